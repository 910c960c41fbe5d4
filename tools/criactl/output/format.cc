#include "tools/criactl/output/format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "yaml-cpp/yaml.h"

namespace cria::criactl {

Result<Format> ParseFormat(const std::string& name, const std::vector<Format>& allowed) {
  Format f;
  if (name == "json") {
    f = Format::kJson;
  } else if (name == "yaml") {
    f = Format::kYaml;
  } else if (name == "table") {
    f = Format::kTable;
  } else {
    return Status(StatusCode::kInvalidArgument,
                  "unknown output format \"" + name + "\" (want json, yaml or table)");
  }
  if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
    return Status(StatusCode::kInvalidArgument,
                  "output format \"" + name + "\" is not supported by this command");
  }
  return f;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

Result<std::string> JsonToYaml(const std::string& json) {
  try {
    YAML::Node node = YAML::Load(json);
    YAML::Emitter out;
    out << node;
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return Status(StatusCode::kInternal, "convert JSON to YAML: " + e.msg);
  }
}

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace cria::criactl

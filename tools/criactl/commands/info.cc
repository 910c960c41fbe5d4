// criactl info: the runtime's conditions and verbose information (crictl info).
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <iostream>

#include "tools/criactl/commands/commands.h"
#include "tools/criactl/output/format.h"

namespace cria::criactl {
namespace {

// {"status": {...}, "<info key>": <its JSON value, or the string>...}, as crictl prints.
std::string InfoJson(const ::runtime::v1::StatusResponse& response) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Document status;
  status.Parse(ToJson(response.status()).c_str());
  doc.AddMember("status", rapidjson::Value(status, alloc), alloc);
  std::map<std::string, std::string> sorted(response.info().begin(), response.info().end());
  for (const auto& [key, value] : sorted) {
    rapidjson::Document parsed;
    parsed.Parse(value.c_str());
    rapidjson::Value v;
    if (parsed.HasParseError()) {
      v.SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), alloc);
    } else {
      v.CopyFrom(parsed, alloc);
    }
    doc.AddMember(rapidjson::Value(key.c_str(), alloc), v, alloc);
  }
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buf);
  writer.SetIndent(' ', 2);
  doc.Accept(writer);
  return std::string(buf.GetString()) + "\n";
}

std::string InfoTable(const ::runtime::v1::StatusResponse& response) {
  std::vector<std::vector<std::string>> rows = {{"CONDITION", "STATUS", "REASON", "MESSAGE"}};
  for (const auto& c : response.status().conditions()) {
    rows.push_back({c.type(), c.status() ? "true" : "false", c.reason(), c.message()});
  }
  return Table(rows);
}

int RunInfo(const GlobalOptions& global, const std::string& output) {
  Result<Format> format = ParseFormat(output, {Format::kJson, Format::kYaml, Format::kTable});
  if (!format.ok()) {
    std::cerr << "criactl info: " << MessageOf(format.status()) << "\n";
    return 1;
  }
  auto client = CriClient::Connect(global);
  if (!client.ok()) {
    std::cerr << "criactl info: " << MessageOf(client.status()) << "\n";
    return 1;
  }
  ::runtime::v1::StatusRequest request;
  request.set_verbose(*format != Format::kTable);
  ::runtime::v1::StatusResponse response;
  auto ctx = (*client)->Context();
  grpc::Status s = (*client)->runtime().Status(ctx.get(), request, &response);
  if (!s.ok()) {
    std::cerr << "criactl info: getting the status of the runtime: " << DescribeRpcError(s) << "\n";
    return 1;
  }
  switch (*format) {
    case Format::kJson:
      std::cout << InfoJson(response);
      break;
    case Format::kYaml:
      std::cout << JsonToYaml(InfoJson(response)).value_or("");
      break;
    case Format::kTable:
      std::cout << InfoTable(response);
      break;
  }
  return 0;
}

}  // namespace

void AddInfoCommand(CLI::App& app, Invocation& invocation) {
  auto* cmd = app.add_subcommand("info", "Display information of the container runtime");
  auto output = std::make_shared<std::string>("json");
  cmd->add_option("-o,--output", *output, "Output format: json, yaml or table")
      ->capture_default_str();
  cmd->callback(
      [&invocation, output] { invocation.exit_code = RunInfo(invocation.global, *output); });
}

}  // namespace cria::criactl

#include "services/network/cni/config.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "libs/records/json_object.h"
#include "libs/records/small_file.h"
#include "rapidjson/document.h"
#include "services/network/cni/exec.h"

namespace cria::network::cni {
namespace {

namespace fs = std::filesystem;

Status Invalid(std::string reason) {
  return Status(StatusCode::kInvalidArgument, std::move(reason));
}

// The CNI spec's rule for network names.
bool IsValidNetworkName(std::string_view name) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || !alnum(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

// `value` (an object) as compact JSON without the trailing newline.
Result<std::string> CompactJson(const rapidjson::Value& value) {
  CRIA_ASSIGN_OR_RETURN(std::string json, records::SerializeJsonObject(value), "");
  if (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

// One plugin object; `where` names it in messages, e.g. "plugins[1]".
Result<PluginConf> ParsePlugin(const rapidjson::Value& object, const std::string& where) {
  if (!object.IsObject()) return Invalid(where + " is not a JSON object");
  PluginConf plugin;
  const auto type = object.FindMember("type");
  if (type == object.MemberEnd()) return Invalid(where + " has no \"type\"");
  if (!type->value.IsString()) return Invalid(where + ": \"type\" is not a string");
  plugin.type.assign(type->value.GetString(), type->value.GetStringLength());
  if (plugin.type.empty()) return Invalid(where + ": \"type\" is empty");
  if (plugin.type.find('/') != std::string::npos || plugin.type.find('\0') != std::string::npos) {
    return Invalid(where + ": \"type\" \"" + plugin.type + "\" is not a plain file name");
  }
  const std::string named = where + " (" + plugin.type + ")";
  if (const auto caps = object.FindMember("capabilities"); caps != object.MemberEnd()) {
    if (!caps->value.IsObject()) return Invalid(named + ": \"capabilities\" is not an object");
    for (const auto& cap : caps->value.GetObject()) {
      if (cap.value.IsTrue()) plugin.capabilities.emplace_back(cap.name.GetString());
    }
  }
  CRIA_ASSIGN_OR_RETURN(plugin.json, CompactJson(object), named);
  return plugin;
}

// Parses `text`, which came from `origin`; errors are InvalidArgument with the reason only.
Result<NetworkConfig> ParseText(std::string text, const std::string& origin) {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(text), "");

  NetworkConfig config;
  config.file = origin;
  const auto name = doc.FindMember("name");
  if (name == doc.MemberEnd()) return Invalid("no \"name\"");
  if (!name->value.IsString()) return Invalid("\"name\" is not a string");
  config.name.assign(name->value.GetString(), name->value.GetStringLength());
  if (!IsValidNetworkName(config.name)) {
    return Invalid("invalid network name \"" + config.name +
                   "\" (it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*)");
  }
  const auto version = doc.FindMember("cniVersion");
  if (version == doc.MemberEnd()) return Invalid("no \"cniVersion\"");
  if (!version->value.IsString()) return Invalid("\"cniVersion\" is not a string");
  config.cni_version.assign(version->value.GetString(), version->value.GetStringLength());
  if (!ParseCniVersion(config.cni_version)) {
    return Invalid("invalid \"cniVersion\" \"" + config.cni_version + "\"");
  }

  // The kind comes from the content: a "plugins" array makes a list, else a "type" a plugin.
  const auto plugins = doc.FindMember("plugins");
  const bool has_plugins = plugins != doc.MemberEnd();
  const bool is_list = has_plugins && plugins->value.IsArray();
  const bool is_plugin = !is_list && doc.HasMember("type");
  if (is_list) {
    if (const auto check = doc.FindMember("disableCheck"); check != doc.MemberEnd()) {
      if (!check->value.IsBool()) return Invalid("\"disableCheck\" is not a boolean");
      config.disable_check = check->value.GetBool();
    }
    if (plugins->value.Empty()) return Invalid("no plugins");
    for (rapidjson::SizeType i = 0; i < plugins->value.Size(); ++i) {
      CRIA_ASSIGN_OR_RETURN(PluginConf plugin,
                            ParsePlugin(plugins->value[i], "plugins[" + std::to_string(i) + "]"),
                            "");
      config.plugins.push_back(std::move(plugin));
    }
  } else if (is_plugin) {
    CRIA_ASSIGN_OR_RETURN(PluginConf plugin, ParsePlugin(doc, "the plugin"), "");
    config.plugins.push_back(std::move(plugin));
  } else if (has_plugins) {
    return Invalid("\"plugins\" is not an array");
  } else {
    return Invalid("no plugins (neither a \"plugins\" array nor a plugin \"type\")");
  }
  config.raw = std::move(text);
  return config;
}

Result<NetworkConfig> ReadAndParse(const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(std::string text, records::ReadSmallFile(path, kMaxConfigFileBytes), "");
  return ParseText(std::move(text), path);
}

bool HasConfigExtension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".conflist" || ext == ".conf" || ext == ".json";
}

// `file` as shown in messages: its base name when it lies in the only dir searched.
std::string Shown(const std::string& file, const std::vector<std::string>& dirs) {
  if (dirs.size() == 1 && fs::path(file).parent_path() == fs::path(dirs[0])) {
    return fs::path(file).filename().string();
  }
  return file;
}

std::string DescribeInvalid(const LoadedNetworks& loaded) {
  std::vector<std::string> parts;
  for (const auto& [file, reason] : loaded.invalid) {
    parts.push_back(Shown(file, loaded.dirs) + ": " + reason);
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

std::optional<CniVersion> ParseCniVersion(std::string_view text) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (true) {
    if (count == 3 || p == end || *p < '0' || *p > '9') return std::nullopt;
    const auto [next, err] = std::from_chars(p, end, parts[count]);
    if (err != std::errc()) return std::nullopt;
    ++count;
    p = next;
    if (p == end) break;
    if (*p != '.') return std::nullopt;
    ++p;
  }
  return CniVersion{parts[0], parts[1], parts[2]};
}

Result<NetworkConfig> ParseConfigText(const std::string& text, const std::string& origin) {
  Result<NetworkConfig> config = ParseText(text, origin);
  if (!config.ok()) return Annotate(config.status(), origin);
  return config;
}

Result<NetworkConfig> ParseConfigFile(const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(std::string text, records::ReadSmallFile(path, kMaxConfigFileBytes), path);
  return ParseConfigText(text, path);
}

LoadedNetworks LoadConfigDir(const std::vector<std::string>& dirs) {
  LoadedNetworks loaded;
  loaded.dirs = dirs;
  std::vector<fs::path> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec == std::errc::no_such_file_or_directory) continue;
    std::vector<fs::path> in_dir;
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::path& file = it->path();
      std::error_code stat_ec;
      if (HasConfigExtension(file) && fs::is_regular_file(file, stat_ec)) in_dir.push_back(file);
    }
    if (ec) {
      loaded.invalid.emplace_back(dir, "cannot list the directory: " + ec.message());
      continue;
    }
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  std::stable_sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const fs::path& file : files) {
    Result<NetworkConfig> config = ReadAndParse(file.string());
    if (config.ok()) {
      loaded.valid.push_back(*std::move(config));
    } else {
      loaded.invalid.emplace_back(file.string(), MessageOf(config.status()));
    }
  }
  return loaded;
}

Result<NetworkConfig> PickNetwork(const LoadedNetworks& loaded, const std::string& wanted_name) {
  const std::string dirs = absl::StrJoin(loaded.dirs, ", ");
  if (loaded.valid.empty()) {
    if (loaded.invalid.empty()) {
      return Status(StatusCode::kFailedPrecondition,
                    "no CNI network configuration file (*.conflist, *.conf, *.json) in " + dirs);
    }
    return Status(StatusCode::kFailedPrecondition,
                  "no valid CNI network configuration in " + dirs + ": " + DescribeInvalid(loaded));
  }
  if (wanted_name.empty()) return loaded.valid.front();
  for (const NetworkConfig& network : loaded.valid) {
    if (network.name == wanted_name) return network;
  }
  std::vector<std::string> found;
  for (const NetworkConfig& network : loaded.valid) {
    found.push_back(network.name + " (" + Shown(network.file, loaded.dirs) + ")");
  }
  std::string message = "CNI network \"" + wanted_name + "\" not found in " + dirs +
                        " (valid networks: " + absl::StrJoin(found, ", ");
  if (!loaded.invalid.empty()) message += "; invalid: " + DescribeInvalid(loaded);
  message += ")";
  return Status(StatusCode::kNotFound, message);
}

Status CheckPluginsPresent(const NetworkConfig& network,
                           const std::vector<std::string>& plugin_dirs) {
  std::vector<std::string> missing;
  std::vector<std::string> seen;
  for (const PluginConf& plugin : network.plugins) {
    if (std::find(seen.begin(), seen.end(), plugin.type) != seen.end()) continue;
    seen.push_back(plugin.type);
    if (Result<std::string> path = FindPlugin(plugin.type, plugin_dirs); !path.ok()) {
      missing.push_back(MessageOf(path.status()));
    }
  }
  if (missing.empty()) return OkStatus();
  return Status(StatusCode::kNotFound, "CNI network \"" + network.name + "\" (" + network.file +
                                           "): " + absl::StrJoin(missing, "; "));
}

}  // namespace cria::network::cni

#include "libs/config/loader.h"

#include <sys/un.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "libs/config/schema.h"
#include "yaml-cpp/yaml.h"

namespace cria::config {
namespace {

namespace fs = std::filesystem;

std::string Where(std::string_view origin, const YAML::Mark& mark) {
  std::string out(origin);
  if (mark.line >= 0) {
    out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return out;
}

Status ErrorAt(std::string_view origin, const YAML::Mark& mark, std::string_view key,
               std::string_view reason) {
  std::string msg = Where(origin, mark) + ": ";
  if (!key.empty()) msg += std::string(key) + ": ";
  msg += reason;
  return Status(StatusCode::kInvalidArgument, msg);
}

std::string KnownKeys(std::string_view section) {
  std::string list;
  for (const KeyDef& k : Schema()) {
    if (k.section != section) continue;
    list += list.empty() ? k.name : ", " + k.name;
  }
  return list.empty() ? "this section has no keys yet" : "known keys: " + list;
}

std::string KnownSections() {
  std::string list;
  for (const std::string& s : Sections()) list += list.empty() ? s : ", " + s;
  return list;
}

bool IsSection(std::string_view name) {
  const auto& s = Sections();
  return std::find(s.begin(), s.end(), name) != s.end();
}

Status ApplySection(const std::string& section, const YAML::Node& node, std::string_view origin,
                    Config& config) {
  if (node.IsNull()) return OkStatus();  // "image:" with nothing under it
  if (!node.IsMap()) {
    return ErrorAt(origin, node.Mark(), section, "expected a mapping of keys to values");
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string name = it->first.Scalar();
    std::string path = section + "." + name;
    const KeyDef* key = FindKey(section, name);
    if (key == nullptr) {
      return ErrorAt(origin, it->first.Mark(), path, "unknown key (" + KnownKeys(section) + ")");
    }
    const YAML::Node& value = it->second;
    if (key->IsList()) {
      if (!value.IsSequence()) {
        return ErrorAt(origin, value.Mark(), path, "expected a list of strings");
      }
      std::vector<std::string> items;
      for (const YAML::Node& item : value) {
        if (!item.IsScalar()) {
          return ErrorAt(origin, item.Mark(), path, "expected a list of strings");
        }
        items.push_back(item.Scalar());
      }
      Status s = key->set_list(items, config);
      if (!s.ok()) return ErrorAt(origin, value.Mark(), path, MessageOf(s));
      continue;
    }
    if (!value.IsScalar()) {
      return ErrorAt(origin, value.Mark(), path,
                     std::string("expected a ") + key->type +
                         (value.IsNull() ? ", got nothing" : ", got a list or mapping"));
    }
    Status s = key->set(value.Scalar(), config);
    if (!s.ok()) return ErrorAt(origin, value.Mark(), path, MessageOf(s));
  }
  return OkStatus();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, "read config file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ErrnoStatus(errno, "read config file " + path);
  return ss.str();
}

Status ApplyFile(const std::string& path, Config& config) {
  CRIA_ASSIGN_OR_RETURN(std::string text, ReadFile(path), "");
  return ApplyYaml(text, path, config);
}

Status ApplyOverride(std::string_view section, std::string_view name,
                     const std::optional<std::string>& value, std::string_view flag,
                     Config& config) {
  if (!value) return OkStatus();
  const KeyDef* key = FindKey(section, name);
  Status s = key->set(*value, config);
  if (!s.ok()) {
    return Status(StatusCode::kInvalidArgument, std::string(flag) + ": " + std::string(section) +
                                                    "." + std::string(name) + ": " + MessageOf(s));
  }
  return OkStatus();
}

}  // namespace

Status ApplyYaml(std::string_view yaml, std::string_view origin, Config& config) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return ErrorAt(origin, e.mark, "", "YAML syntax error: " + e.msg);
  }
  try {
    if (root.IsNull()) return OkStatus();  // an empty file changes nothing
    if (!root.IsMap()) {
      return ErrorAt(origin, root.Mark(), "",
                     "expected a mapping of sections (" + KnownSections() + ")");
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string section = it->first.Scalar();
      if (!IsSection(section)) {
        return ErrorAt(origin, it->first.Mark(), section,
                       "unknown section (known sections: " + KnownSections() + ")");
      }
      Status s = ApplySection(section, it->second, origin, config);
      if (!s.ok()) return s;
    }
  } catch (const YAML::Exception& e) {
    return ErrorAt(origin, e.mark, "", e.msg);
  }
  return OkStatus();
}

Status Validate(const Config& config) {
  constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
  for (Daemon d :
       {Daemon::kGateway, Daemon::kImage, Daemon::kStorage, Daemon::kNetwork, Daemon::kRuntime}) {
    std::string path = SocketPath(config, d);
    if (path.size() > kMaxSocketPath) {
      return Status(StatusCode::kInvalidArgument,
                    std::string("socket path of ") + DaemonName(d) + " \"" + path + "\" is " +
                        std::to_string(path.size()) + " bytes, over the " +
                        std::to_string(kMaxSocketPath) +
                        "-byte limit of unix sockets (shorten common.run_dir)");
    }
  }
  return OkStatus();
}

Result<Loaded> Load(const Sources& sources, const Overrides& overrides) {
  Loaded loaded;
  std::error_code ec;
  if (fs::exists(sources.file, ec)) {
    CRIA_RETURN_IF_ERROR(ApplyFile(sources.file, loaded.config), "");
    loaded.files.push_back(sources.file);
  } else if (sources.file_required) {
    return Status(StatusCode::kNotFound, "config file " + sources.file + " does not exist");
  }
  if (!sources.drop_in_dir.empty() && fs::is_directory(sources.drop_in_dir, ec)) {
    std::vector<std::string> drop_ins;
    for (const auto& entry : fs::directory_iterator(sources.drop_in_dir, ec)) {
      std::string ext = entry.path().extension();
      if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) {
        drop_ins.push_back(entry.path());
      }
    }
    if (ec) {
      return ErrnoStatus(ec.value(), "list config drop-in dir " + sources.drop_in_dir);
    }
    std::sort(drop_ins.begin(), drop_ins.end());
    for (const std::string& path : drop_ins) {
      CRIA_RETURN_IF_ERROR(ApplyFile(path, loaded.config), "");
      loaded.files.push_back(path);
    }
  }
  CRIA_RETURN_IF_ERROR(
      ApplyOverride("common", "state_dir", overrides.state_dir, "--state-dir", loaded.config), "");
  CRIA_RETURN_IF_ERROR(
      ApplyOverride("common", "run_dir", overrides.run_dir, "--run-dir", loaded.config), "");
  CRIA_RETURN_IF_ERROR(
      ApplyOverride("common", "log_level", overrides.log_level, "--log-level", loaded.config), "");
  CRIA_RETURN_IF_ERROR(Validate(loaded.config), "");
  return loaded;
}

std::string Print(const Loaded& loaded) {
  std::string out = "# Effective cria configuration";
  if (loaded.files.empty()) {
    out += " (embedded defaults; no config file was read)\n";
  } else {
    out += ", from the embedded defaults and:\n";
    for (const std::string& f : loaded.files) out += "#   " + f + "\n";
  }
  for (const std::string& section : Sections()) {
    std::string body;
    for (const KeyDef& k : Schema()) {
      if (k.section == section) body += "  " + k.name + ": " + k.get(loaded.config) + "\n";
    }
    out += body.empty() ? section + ": {}\n" : section + ":\n" + body;
  }
  return out;
}

std::string DefaultFileText() {
  Config defaults;
  std::string out =
      "# /etc/cria/cria.yaml: configuration of the cria daemons.\n"
      "#\n"
      "# Every key has an embedded default (shown commented out below), so this file and\n"
      "# the drop-ins in /etc/cria/cria.d/*.yaml (merged in lexical order after it) only\n"
      "# need the keys you change. Unknown keys and wrong types are refused at start.\n"
      "# `cria-<daemon> --print-config` prints the effective configuration.\n"
      "#\n"
      "# Generated from libs/config/schema.cc; a test keeps the two in step.\n";
  for (const std::string& section : Sections()) {
    out += "\n";
    bool any = false;
    for (const KeyDef& k : Schema()) {
      if (k.section != section) continue;
      if (!any) out += "#" + section + ":\n";
      any = true;
      std::istringstream doc(k.doc);
      std::string line;
      while (std::getline(doc, line)) out += "#  # " + line + "\n";
      out += "#  # (" + k.type + ")\n";
      out += "#  " + k.name + ": " + k.get(defaults) + "\n";
    }
    if (!any) out += "#" + section + ": {}  # no keys yet\n";
  }
  return out;
}

}  // namespace cria::config

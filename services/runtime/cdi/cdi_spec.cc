#include "services/runtime/cdi/cdi_spec.h"

#include <algorithm>
#include <array>
#include <set>

#include "yaml-cpp/yaml.h"

namespace cria::runtime::cdi {
namespace {

constexpr std::array<std::string_view, 8> kVersions = {"0.3.0", "0.4.0", "0.5.0", "0.6.0",
                                                       "0.7.0", "0.8.0", "1.0.0", "1.1.0"};
constexpr std::array<std::string_view, 6> kHookNames = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlphaNumeric(char c) { return IsLetter(c) || (c >= '0' && c <= '9'); }

// One node of the file and where it is ("devices[0].containerEdits.mounts[1]"), for
// messages that say what is wrong and where.
class Reader {
 public:
  Reader(const std::string& file, const YAML::Node& node, std::string where)
      : file_(file), node_(node), where_(std::move(where)) {}

  Status Bad(const std::string& what) const {
    return Status(StatusCode::kInvalidArgument,
                  "CDI spec " + file_ + ": " + (where_.empty() ? "" : where_ + ": ") + what);
  }
  // Every key of this mapping is one of `known` (the CDI library refuses unknown fields).
  Status OnlyKeys(std::initializer_list<std::string_view> known) const {
    if (!node_.IsMap()) return Bad("expected a mapping");
    for (const auto& entry : node_) {
      const std::string key = entry.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Bad("unknown field \"" + key + "\"");
      }
    }
    return OkStatus();
  }
  bool Has(const char* key) const { return node_[key] && !node_[key].IsNull(); }
  Reader Child(const char* key) const {
    return Reader(file_, node_[key], where_.empty() ? key : where_ + "." + key);
  }
  Result<std::string> String(const char* key, bool required) const {
    if (!Has(key)) {
      if (required) return Bad("\"" + std::string(key) + "\" is required");
      return std::string();
    }
    if (!node_[key].IsScalar()) return Bad("\"" + std::string(key) + "\" is not a string");
    return node_[key].as<std::string>();
  }
  template <typename T>
  Result<std::optional<T>> Number(const char* key) const {
    if (!Has(key)) return std::optional<T>();
    try {
      return std::optional<T>(node_[key].as<T>());
    } catch (const YAML::Exception&) {
      return Bad("\"" + std::string(key) + "\" is not a valid number");
    }
  }
  Result<std::vector<std::string>> Strings(const char* key) const {
    std::vector<std::string> out;
    if (!Has(key)) return out;
    if (!node_[key].IsSequence()) return Bad("\"" + std::string(key) + "\" is not a list");
    for (const YAML::Node& item : node_[key]) {
      if (!item.IsScalar()) return Bad("\"" + std::string(key) + "\" holds a non-string");
      out.push_back(item.as<std::string>());
    }
    return out;
  }
  // The items of a list under `key` (none when absent).
  Result<std::vector<Reader>> Items(const char* key) const {
    std::vector<Reader> out;
    if (!Has(key)) return out;
    if (!node_[key].IsSequence()) return Bad("\"" + std::string(key) + "\" is not a list");
    for (size_t i = 0; i < node_[key].size(); ++i) {
      out.emplace_back(file_, node_[key][i],
                       (where_.empty() ? "" : where_ + ".") + key + "[" + std::to_string(i) + "]");
    }
    return out;
  }

 private:
  const std::string& file_;
  YAML::Node node_;
  std::string where_;
};

Status CheckAbsolute(const Reader& r, const char* field, const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return r.Bad("\"" + std::string(field) + "\" " + path + " is not an absolute path");
  }
  return OkStatus();
}

// Letters, digits and '_', '-', '.' inside; starts with a letter, ends with a letter or
// digit (the CDI library's rule for vendor and class names).
bool ValidVendorOrClass(const std::string& name) {
  if (name.empty() || !IsLetter(name.front()) || !IsAlphaNumeric(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlphaNumeric(c) || c == '_' || c == '-' || c == '.'; });
}

// "<vendor>/<class>".
bool ValidKind(const std::string& kind) {
  const std::string::size_type slash = kind.find('/');
  return slash != std::string::npos && ValidVendorOrClass(kind.substr(0, slash)) &&
         ValidVendorOrClass(kind.substr(slash + 1));
}

// Letters, digits and '_', '-', '.', ':' inside; starts and ends with a letter or digit.
bool ValidDeviceName(const std::string& name) {
  if (name.empty() || !IsAlphaNumeric(name.front()) || !IsAlphaNumeric(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsAlphaNumeric(c) || c == '_' || c == '-' || c == '.' || c == ':';
  });
}

Result<DeviceNode> ParseDeviceNode(const Reader& r) {
  CRIA_RETURN_IF_ERROR(r.OnlyKeys({"path", "hostPath", "type", "major", "minor", "fileMode",
                                   "permissions", "uid", "gid"}),
                       "");
  DeviceNode d;
  CRIA_ASSIGN_OR_RETURN(d.path, r.String("path", true), "");
  CRIA_RETURN_IF_ERROR(CheckAbsolute(r, "path", d.path), "");
  CRIA_ASSIGN_OR_RETURN(d.host_path, r.String("hostPath", false), "");
  if (!d.host_path.empty()) CRIA_RETURN_IF_ERROR(CheckAbsolute(r, "hostPath", d.host_path), "");
  CRIA_ASSIGN_OR_RETURN(d.type, r.String("type", false), "");
  if (!d.type.empty() && d.type != "b" && d.type != "c" && d.type != "u" && d.type != "p") {
    return r.Bad("device type \"" + d.type + "\" is not one of b, c, u, p");
  }
  CRIA_ASSIGN_OR_RETURN(d.major, r.Number<int64_t>("major"), "");
  CRIA_ASSIGN_OR_RETURN(d.minor, r.Number<int64_t>("minor"), "");
  CRIA_ASSIGN_OR_RETURN(d.file_mode, r.Number<uint32_t>("fileMode"), "");
  CRIA_ASSIGN_OR_RETURN(d.uid, r.Number<uint32_t>("uid"), "");
  CRIA_ASSIGN_OR_RETURN(d.gid, r.Number<uint32_t>("gid"), "");
  CRIA_ASSIGN_OR_RETURN(d.permissions, r.String("permissions", false), "");
  if (d.permissions.find_first_not_of("rwm") != std::string::npos) {
    return r.Bad("device permissions \"" + d.permissions + "\" are not any of r, w, m");
  }
  return d;
}

Result<Mount> ParseMount(const Reader& r) {
  CRIA_RETURN_IF_ERROR(r.OnlyKeys({"hostPath", "containerPath", "type", "options"}), "");
  Mount m;
  CRIA_ASSIGN_OR_RETURN(m.host_path, r.String("hostPath", true), "");
  CRIA_ASSIGN_OR_RETURN(m.container_path, r.String("containerPath", true), "");
  CRIA_RETURN_IF_ERROR(CheckAbsolute(r, "containerPath", m.container_path), "");
  CRIA_ASSIGN_OR_RETURN(m.type, r.String("type", false), "");
  CRIA_ASSIGN_OR_RETURN(m.options, r.Strings("options"), "");
  return m;
}

Result<Hook> ParseHook(const Reader& r) {
  CRIA_RETURN_IF_ERROR(r.OnlyKeys({"hookName", "path", "args", "env", "timeout"}), "");
  Hook h;
  CRIA_ASSIGN_OR_RETURN(h.hook_name, r.String("hookName", true), "");
  if (std::find(kHookNames.begin(), kHookNames.end(), h.hook_name) == kHookNames.end()) {
    return r.Bad("unknown hook name \"" + h.hook_name + "\"");
  }
  CRIA_ASSIGN_OR_RETURN(h.path, r.String("path", true), "");
  CRIA_RETURN_IF_ERROR(CheckAbsolute(r, "path", h.path), "");
  CRIA_ASSIGN_OR_RETURN(h.args, r.Strings("args"), "");
  CRIA_ASSIGN_OR_RETURN(h.env, r.Strings("env"), "");
  CRIA_ASSIGN_OR_RETURN(h.timeout, r.Number<int>("timeout"), "");
  if (h.timeout && *h.timeout <= 0) return r.Bad("hook timeout must be positive");
  return h;
}

Result<ContainerEdits> ParseEdits(const Reader& r) {
  CRIA_RETURN_IF_ERROR(r.OnlyKeys({"env", "deviceNodes", "hooks", "mounts", "intelRdt",
                                   "additionalGids", "netDevices"}),
                       "");
  ContainerEdits e;
  CRIA_ASSIGN_OR_RETURN(e.env, r.Strings("env"), "");
  for (const std::string& entry : e.env) {
    if (entry.find('=') == std::string::npos || entry.front() == '=') {
      return r.Bad("environment entry \"" + entry + "\" is not NAME=VALUE");
    }
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<Reader> nodes, r.Items("deviceNodes"), "");
  for (const Reader& n : nodes) {
    CRIA_ASSIGN_OR_RETURN(DeviceNode d, ParseDeviceNode(n), "");
    e.device_nodes.push_back(std::move(d));
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<Reader> mounts, r.Items("mounts"), "");
  for (const Reader& m : mounts) {
    CRIA_ASSIGN_OR_RETURN(Mount mount, ParseMount(m), "");
    e.mounts.push_back(std::move(mount));
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<Reader> hooks, r.Items("hooks"), "");
  for (const Reader& h : hooks) {
    CRIA_ASSIGN_OR_RETURN(Hook hook, ParseHook(h), "");
    e.hooks.push_back(std::move(hook));
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> gids, r.Strings("additionalGids"), "");
  for (const std::string& gid : gids) {
    try {
      e.additional_gids.push_back(YAML::Node(gid).as<uint32_t>());
    } catch (const YAML::Exception&) {
      return r.Bad("additional gid \"" + gid + "\" is not a number");
    }
  }
  e.has_intel_rdt = r.Has("intelRdt");
  e.has_net_devices = r.Has("netDevices");
  return e;
}

bool Empty(const ContainerEdits& e) {
  return e.env.empty() && e.device_nodes.empty() && e.mounts.empty() && e.hooks.empty() &&
         e.additional_gids.empty() && !e.has_intel_rdt && !e.has_net_devices;
}

Result<Spec> ParseSpecNode(const YAML::Node& root, const std::string& path);

}  // namespace

Result<QualifiedName> ParseQualifiedName(const std::string& qualified) {
  auto bad = [&](const std::string& why) {
    return Status(StatusCode::kInvalidArgument,
                  "CDI device \"" + qualified + "\" is not vendor.com/class=name: " + why);
  };
  const std::string::size_type equals = qualified.find('=');
  if (equals == std::string::npos) return bad("no '='");
  QualifiedName out{qualified.substr(0, equals), qualified.substr(equals + 1)};
  if (!ValidKind(out.kind)) return bad("bad vendor/class");
  if (!ValidDeviceName(out.name)) return bad("bad device name");
  return out;
}

Result<Spec> ParseSpec(std::string_view text, const std::string& path) {
  // yaml-cpp throws where a node is not what is asked of it (a mapping key that is itself a
  // mapping, say): every such case is a bad file, never a crash of cria-runtime.
  try {
    return ParseSpecNode(YAML::Load(std::string(text)), path);
  } catch (const YAML::Exception& e) {
    return Status(StatusCode::kInvalidArgument, "CDI spec " + path + ": " + e.what());
  }
}

namespace {

Result<Spec> ParseSpecNode(const YAML::Node& root, const std::string& path) {
  Reader r(path, root, "");
  CRIA_RETURN_IF_ERROR(
      r.OnlyKeys({"cdiVersion", "kind", "annotations", "devices", "containerEdits"}), "");
  Spec spec;
  spec.path = path;
  CRIA_ASSIGN_OR_RETURN(spec.version, r.String("cdiVersion", true), "");
  if (std::find(kVersions.begin(), kVersions.end(), spec.version) == kVersions.end()) {
    return r.Bad("cdiVersion \"" + spec.version + "\" is not one cria knows (0.3.0 to 1.1.0)");
  }
  CRIA_ASSIGN_OR_RETURN(spec.kind, r.String("kind", true), "");
  if (!ValidKind(spec.kind)) {
    return r.Bad("kind \"" + spec.kind + "\" is not vendor.com/class");
  }
  if (r.Has("containerEdits")) {
    CRIA_ASSIGN_OR_RETURN(spec.edits, ParseEdits(r.Child("containerEdits")), "");
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<Reader> devices, r.Items("devices"), "");
  if (devices.empty()) return r.Bad("no devices");
  std::set<std::string> names;
  for (const Reader& d : devices) {
    CRIA_RETURN_IF_ERROR(d.OnlyKeys({"name", "annotations", "containerEdits"}), "");
    Device device;
    CRIA_ASSIGN_OR_RETURN(device.name, d.String("name", true), "");
    if (!ValidDeviceName(device.name)) return d.Bad("bad device name \"" + device.name + "\"");
    if (!names.insert(device.name).second) {
      return d.Bad("device \"" + device.name + "\" is listed twice");
    }
    if (d.Has("containerEdits")) {
      CRIA_ASSIGN_OR_RETURN(device.edits, ParseEdits(d.Child("containerEdits")), "");
    }
    if (Empty(device.edits)) return d.Bad("device \"" + device.name + "\" has no edits");
    spec.devices.push_back(std::move(device));
  }
  return spec;
}

}  // namespace

}  // namespace cria::runtime::cdi

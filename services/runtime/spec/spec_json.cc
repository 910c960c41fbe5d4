#include "services/runtime/spec/spec_json.h"

#include <string>
#include <vector>

#include "libs/records/json_object.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::spec {
namespace {

template <typename Writer>
void String(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

template <typename Writer>
void StringField(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  String(w, value);
}

template <typename Writer>
void Strings(Writer& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const std::string& v : values) String(w, v);
  w.EndArray();
}

template <typename Writer>
void StringsField(Writer& w, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.Key(key);
  Strings(w, values);
}

template <typename Writer>
void StringMap(Writer& w, const std::map<std::string, std::string>& values) {
  w.StartObject();
  for (const auto& [k, v] : values) {
    String(w, k);
    String(w, v);
  }
  w.EndObject();
}

template <typename Writer>
void WriteHooks(Writer& w, const Hooks& hooks) {
  w.StartObject();
  for (const auto& [point, list] : hooks) {
    String(w, point);
    w.StartArray();
    for (const Hook& h : list) {
      w.StartObject();
      w.Key("path");
      String(w, h.path);
      StringsField(w, "args", h.args);
      StringsField(w, "env", h.env);
      if (h.timeout) {
        w.Key("timeout");
        w.Int(*h.timeout);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

template <typename Writer>
void WriteUser(Writer& w, const User& user) {
  w.StartObject();
  w.Key("uid");
  w.Uint(user.uid);
  w.Key("gid");
  w.Uint(user.gid);
  if (!user.additional_gids.empty()) {
    w.Key("additionalGids");
    w.StartArray();
    for (uint32_t gid : user.additional_gids) w.Uint(gid);
    w.EndArray();
  }
  w.EndObject();
}

template <typename Writer>
void WriteCapabilities(Writer& w, const Capabilities& caps) {
  // Every set is written, empty ones as []: an absent set and an empty one mean the same to
  // runc and crun, and [] says so plainly.
  w.StartObject();
  w.Key("bounding");
  Strings(w, caps.bounding);
  w.Key("effective");
  Strings(w, caps.effective);
  w.Key("inheritable");
  Strings(w, caps.inheritable);
  w.Key("permitted");
  Strings(w, caps.permitted);
  w.Key("ambient");
  Strings(w, caps.ambient);
  w.EndObject();
}

template <typename Writer>
void WriteProcess(Writer& w, const Process& p) {
  w.StartObject();
  w.Key("terminal");
  w.Bool(p.terminal);
  w.Key("user");
  WriteUser(w, p.user);
  w.Key("args");
  Strings(w, p.args);
  w.Key("env");
  Strings(w, p.env);
  w.Key("cwd");
  String(w, p.cwd);
  w.Key("capabilities");
  WriteCapabilities(w, p.capabilities);
  if (!p.rlimits.empty()) {
    w.Key("rlimits");
    w.StartArray();
    for (const Rlimit& r : p.rlimits) {
      w.StartObject();
      w.Key("type");
      String(w, r.type);
      w.Key("hard");
      w.Uint64(r.hard);
      w.Key("soft");
      w.Uint64(r.soft);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("noNewPrivileges");
  w.Bool(p.no_new_privileges);
  StringField(w, "apparmorProfile", p.apparmor_profile);
  if (p.oom_score_adj) {
    w.Key("oomScoreAdj");
    w.Int(*p.oom_score_adj);
  }
  StringField(w, "selinuxLabel", p.selinux_label);
  w.EndObject();
}

template <typename Writer>
void WriteMounts(Writer& w, const std::vector<Mount>& mounts) {
  w.StartArray();
  for (const Mount& m : mounts) {
    w.StartObject();
    w.Key("destination");
    String(w, m.destination);
    StringField(w, "type", m.type);
    StringField(w, "source", m.source);
    StringsField(w, "options", m.options);
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer>
void WriteResources(Writer& w, const Resources& r) {
  w.StartObject();
  if (!r.devices.empty()) {
    w.Key("devices");
    w.StartArray();
    for (const DeviceCgroupRule& d : r.devices) {
      w.StartObject();
      w.Key("allow");
      w.Bool(d.allow);
      StringField(w, "type", d.type);
      if (d.major) {
        w.Key("major");
        w.Int64(*d.major);
      }
      if (d.minor) {
        w.Key("minor");
        w.Int64(*d.minor);
      }
      StringField(w, "access", d.access);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!r.memory.Empty()) {
    w.Key("memory");
    w.StartObject();
    if (r.memory.limit) {
      w.Key("limit");
      w.Int64(*r.memory.limit);
    }
    if (r.memory.swap) {
      w.Key("swap");
      w.Int64(*r.memory.swap);
    }
    w.EndObject();
  }
  if (!r.cpu.Empty()) {
    w.Key("cpu");
    w.StartObject();
    if (r.cpu.shares) {
      w.Key("shares");
      w.Uint64(*r.cpu.shares);
    }
    if (r.cpu.quota) {
      w.Key("quota");
      w.Int64(*r.cpu.quota);
    }
    if (r.cpu.period) {
      w.Key("period");
      w.Uint64(*r.cpu.period);
    }
    StringField(w, "cpus", r.cpu.cpus);
    StringField(w, "mems", r.cpu.mems);
    w.EndObject();
  }
  if (r.pids_limit) {
    w.Key("pids");
    w.StartObject();
    w.Key("limit");
    w.Int64(*r.pids_limit);
    w.EndObject();
  }
  if (!r.hugepage_limits.empty()) {
    w.Key("hugepageLimits");
    w.StartArray();
    for (const HugepageLimit& h : r.hugepage_limits) {
      w.StartObject();
      w.Key("pageSize");
      String(w, h.page_size);
      w.Key("limit");
      w.Uint64(h.limit);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!r.unified.empty()) {
    w.Key("unified");
    StringMap(w, r.unified);
  }
  w.EndObject();
}

template <typename Writer>
void WriteNamespaces(Writer& w, const std::vector<Namespace>& namespaces) {
  w.StartArray();
  for (const Namespace& ns : namespaces) {
    w.StartObject();
    w.Key("type");
    String(w, ns.type);
    StringField(w, "path", ns.path);
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer>
void WriteDevices(Writer& w, const std::vector<Device>& devices) {
  w.StartArray();
  for (const Device& d : devices) {
    w.StartObject();
    w.Key("path");
    String(w, d.path);
    w.Key("type");
    String(w, d.type);
    w.Key("major");
    w.Int64(d.major);
    w.Key("minor");
    w.Int64(d.minor);
    if (d.file_mode) {
      w.Key("fileMode");
      w.Uint(*d.file_mode);
    }
    if (d.uid) {
      w.Key("uid");
      w.Uint(*d.uid);
    }
    if (d.gid) {
      w.Key("gid");
      w.Uint(*d.gid);
    }
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer>
void WriteLinux(Writer& w, const Linux& l, const rapidjson::Document* seccomp) {
  w.StartObject();
  if (!l.sysctl.empty()) {
    w.Key("sysctl");
    StringMap(w, l.sysctl);
  }
  w.Key("resources");
  WriteResources(w, l.resources);
  StringField(w, "cgroupsPath", l.cgroups_path);
  w.Key("namespaces");
  WriteNamespaces(w, l.namespaces);
  if (!l.devices.empty()) {
    w.Key("devices");
    WriteDevices(w, l.devices);
  }
  if (seccomp != nullptr) {
    w.Key("seccomp");
    seccomp->Accept(w);
  }
  StringField(w, "rootfsPropagation", l.rootfs_propagation);
  StringsField(w, "maskedPaths", l.masked_paths);
  StringsField(w, "readonlyPaths", l.readonly_paths);
  StringField(w, "mountLabel", l.mount_label);
  w.EndObject();
}

}  // namespace

Result<std::string> SpecToJson(const Spec& spec) {
  rapidjson::Document seccomp;
  const bool has_seccomp = !spec.linux.seccomp_json.empty();
  if (has_seccomp) {
    CRIA_ASSIGN_OR_RETURN(seccomp, records::ParseJsonObject(spec.linux.seccomp_json),
                          "linux.seccomp");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("ociVersion");
  String(w, spec.oci_version);
  w.Key("process");
  WriteProcess(w, spec.process);
  w.Key("root");
  w.StartObject();
  w.Key("path");
  String(w, spec.root.path);
  w.Key("readonly");
  w.Bool(spec.root.readonly);
  w.EndObject();
  StringField(w, "hostname", spec.hostname);
  if (!spec.hooks.empty()) {
    w.Key("hooks");
    WriteHooks(w, spec.hooks);
  }
  w.Key("mounts");
  WriteMounts(w, spec.mounts);
  if (!spec.annotations.empty()) {
    w.Key("annotations");
    StringMap(w, spec.annotations);
  }
  w.Key("linux");
  WriteLinux(w, spec.linux, has_seccomp ? &seccomp : nullptr);
  w.EndObject();
  std::string out(buffer.GetString(), buffer.GetSize());
  out += '\n';
  return out;
}

std::string ResourcesToJson(const Resources& resources) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  WriteResources(w, resources);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace cria::runtime::spec

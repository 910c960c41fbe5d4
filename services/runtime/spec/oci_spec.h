// The subset of the OCI runtime spec (config.json, version 1.0.2 with the 1.1.0 fields runc
// 1.1 and crun 1.8 read) that cria generates, as plain structs. spec_json.h writes them out.
// An empty string, an empty list or an empty std::optional means "field absent".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cria::runtime::spec {

inline constexpr char kOciVersion[] = "1.0.2";

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  // The primary gid first, then the supplementary groups (deduplicated).
  std::vector<uint32_t> additional_gids;
};

// Capability names with the "CAP_" prefix, in capability-number order.
struct Capabilities {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  uint64_t hard = 0;
  uint64_t soft = 0;
};

struct Process {
  bool terminal = false;
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  Capabilities capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::optional<int> oom_score_adj;
  std::string selinux_label;
};

struct Root {
  std::string path;
  bool readonly = false;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct Namespace {
  std::string type;  // "pid", "network", "mount", "ipc", "uts", "cgroup"
  std::string path;  // empty: a new namespace
};

// A device node the runtime creates in the container's /dev.
struct Device {
  std::string path;
  std::string type;  // "c", "b", "u", "p"
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint32_t> file_mode;  // permission bits only
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

// One device cgroup rule; a missing type/major/minor matches everything ("a", "*").
struct DeviceCgroupRule {
  bool allow = false;
  std::string type;
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::string access;  // any of "rwm"
};

struct Memory {
  std::optional<int64_t> limit;
  std::optional<int64_t> swap;  // memory+swap, cgroup v1 semantics (runc converts for v2)
  bool Empty() const { return !limit && !swap; }
};

struct Cpu {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::string cpus;
  std::string mems;
  bool Empty() const { return !shares && !quota && !period && cpus.empty() && mems.empty(); }
};

struct HugepageLimit {
  std::string page_size;  // "2MB"
  uint64_t limit = 0;
};

struct Resources {
  std::vector<DeviceCgroupRule> devices;
  Memory memory;
  Cpu cpu;
  std::optional<int64_t> pids_limit;
  std::vector<HugepageLimit> hugepage_limits;
  std::map<std::string, std::string> unified;
};

struct Linux {
  std::map<std::string, std::string> sysctl;
  Resources resources;
  std::string cgroups_path;
  std::vector<Namespace> namespaces;
  std::vector<Device> devices;
  // linux.seccomp as compact JSON text (an object); empty: no seccomp filter.
  std::string seccomp_json;
  std::string rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
};

// An OCI hook (config.md "POSIX-platform Hooks"); cria adds only those CDI specs ask for.
struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;
};

// By the OCI names of the points they run at: prestart, createRuntime, createContainer,
// startContainer, poststart, poststop.
using Hooks = std::map<std::string, std::vector<Hook>>;

struct Spec {
  std::string oci_version = kOciVersion;
  Hooks hooks;
  Process process;
  Root root;
  std::string hostname;
  std::vector<Mount> mounts;
  std::map<std::string, std::string> annotations;
  Linux linux;
};

}  // namespace cria::runtime::spec

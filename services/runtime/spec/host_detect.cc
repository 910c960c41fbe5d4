#include "services/runtime/spec/host_detect.h"

#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>

#include "libs/records/small_file.h"

namespace cria::runtime::spec {
namespace {

constexpr int kCapSysResource = 24;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool Exists(const char* path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

Result<uint64_t> StatusCapabilityMask(std::string_view status, std::string_view field) {
  const std::string key = std::string(field) + ":";
  size_t at = 0;
  while (at < status.size()) {
    size_t end = status.find('\n', at);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, key.size()) != key) continue;
    std::string_view hex = Trim(line.substr(key.size()));
    if (hex.empty() || hex.size() > 16) break;
    uint64_t mask = 0;
    for (char c : hex) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return Status(StatusCode::kInvalidArgument, key + " is not a hex mask");
      }
      mask = mask * 16 + static_cast<uint64_t>(digit);
    }
    return mask;
  }
  return Status(StatusCode::kInvalidArgument, "no " + key + " line with a mask");
}

Result<int> OomScoreAdjFloor(std::string_view own_oom_score_adj, bool has_cap_sys_resource) {
  if (has_cap_sys_resource) return -1000;
  const std::string text(Trim(own_oom_score_adj));
  int value = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d%c", &value, &extra) != 1 || value < -1000 || value > 1000) {
    return Status(StatusCode::kInvalidArgument, "oom_score_adj \"" + text + "\" is not a number");
  }
  return value;
}

Result<std::pair<int, int>> ParseKernelRelease(std::string_view release) {
  const std::string text(release);
  int major = 0;
  int minor = 0;
  if (std::sscanf(text.c_str(), "%d.%d", &major, &minor) != 2 || major < 0 || minor < 0) {
    return Status(StatusCode::kInvalidArgument, "kernel release \"" + text + "\"");
  }
  return std::make_pair(major, minor);
}

Result<HostFacts> DetectHostFacts() {
  HostFacts facts;
  CRIA_ASSIGN_OR_RETURN(std::string status, records::ReadSmallFile("/proc/self/status", 1 << 16),
                        "");
  CRIA_ASSIGN_OR_RETURN(uint64_t effective, StatusCapabilityMask(status, "CapEff"),
                        "/proc/self/status");
  CRIA_ASSIGN_OR_RETURN(uint64_t bounding, StatusCapabilityMask(status, "CapBnd"),
                        "/proc/self/status");
  facts.all_capabilities = CapabilitiesFromMask(bounding);
  CRIA_ASSIGN_OR_RETURN(std::string own, records::ReadSmallFile("/proc/self/oom_score_adj", 64),
                        "");
  CRIA_ASSIGN_OR_RETURN(facts.oom_score_adj_floor,
                        OomScoreAdjFloor(own, (effective >> kCapSysResource) & 1),
                        "/proc/self/oom_score_adj");

  Result<std::string> apparmor =
      records::ReadSmallFile("/sys/module/apparmor/parameters/enabled", 64);
  facts.apparmor_enabled = apparmor.ok() && Trim(*apparmor) == "Y";
  facts.selinux_enabled = Exists("/sys/fs/selinux/enforce");
  facts.seccomp_enabled = ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 || errno != EINVAL;

  struct statfs fs;
  facts.cgroup_v2 = ::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
  if (facts.cgroup_v2) {
    Result<std::string> controllers =
        records::ReadSmallFile("/sys/fs/cgroup/cgroup.controllers", 4096);
    facts.hugetlb_supported = controllers.ok() && controllers->find("hugetlb") != std::string::npos;
    facts.swap_limit_supported = true;
  } else {
    facts.hugetlb_supported = Exists("/sys/fs/cgroup/hugetlb");
    facts.swap_limit_supported = Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
  }

  struct utsname uts;
  if (::uname(&uts) == 0) {
    Result<std::pair<int, int>> version = ParseKernelRelease(uts.release);
    if (version.ok()) {
      facts.kernel_major = version->first;
      facts.kernel_minor = version->second;
    }
  }
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) == 0) facts.node_hostname = name;
  if (Result<std::string> boot = records::ReadSmallFile("/proc/sys/kernel/random/boot_id", 64);
      boot.ok()) {
    facts.boot_id = *boot;
    while (!facts.boot_id.empty() && facts.boot_id.back() == '\n') facts.boot_id.pop_back();
  }
  return facts;
}

}  // namespace cria::runtime::spec

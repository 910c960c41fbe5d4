// Finding HostFacts on the running host, once at start-up. The parsers are separate so the
// rules can be tested with any text.
#pragma once

#include <cstdint>
#include <string_view>

#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"

namespace cria::runtime::spec {

// The hex mask of `field` ("CapEff", "CapBnd") in /proc/<pid>/status text.
// InvalidArgument if it is missing or not hex.
Result<uint64_t> StatusCapabilityMask(std::string_view status, std::string_view field);

// The oom_score_adj floor: -1000 with CAP_SYS_RESOURCE, else the process's own value (the
// text of /proc/self/oom_score_adj), which it cannot go below.
Result<int> OomScoreAdjFloor(std::string_view own_oom_score_adj, bool has_cap_sys_resource);

// "6.18.44-fc" → 6, 18. InvalidArgument when it does not start with major.minor.
Result<std::pair<int, int>> ParseKernelRelease(std::string_view release);

// The facts of this host: capabilities and oom_score_adj of this process, AppArmor
// (/sys/module/apparmor/parameters/enabled), SELinux (/sys/fs/selinux/enforce), seccomp
// (prctl), cgroup v2 (/sys/fs/cgroup's filesystem type), swap and hugetlb controllers,
// the kernel version, hostname and boot id. recursive_read_only_supported and
// apparmor_default_profile stay at their defaults: they depend on the OCI runtime and the
// configuration, which the caller knows.
Result<HostFacts> DetectHostFacts();

}  // namespace cria::runtime::spec

// What the spec generator needs to know about the host: found once when cria-runtime starts
// (and by tests set by hand). Nothing here comes from a request.
#pragma once

#include <string>
#include <vector>

#include "services/runtime/spec/capabilities.h"

namespace cria::runtime::spec {

struct HostFacts {
  // The lowest oom_score_adj a container may get. A process without CAP_SYS_RESOURCE cannot
  // set a value below its own, so the runtime passes its own /proc/self/oom_score_adj
  // (ReadOomScoreAdjFloor) when it lacks that capability, and -1000 when it has it.
  int oom_score_adj_floor = -1000;

  // Linux security modules. A request for an AppArmor profile or an SELinux label on a host
  // without that module is refused (FailedPrecondition).
  bool apparmor_enabled = false;
  // The loaded AppArmor profile used for RuntimeDefault; empty: RuntimeDefault means no
  // profile (cria does not load profiles itself).
  std::string apparmor_default_profile;
  bool selinux_enabled = false;
  // The kernel has seccomp filters; RuntimeDefault and Localhost need it.
  bool seccomp_enabled = true;
  // What RuntimeDefault means: the text of runtime.seccomp_profile, read at start
  // (LoadDefaultSeccompProfile); empty: the built-in profile.
  std::string default_seccomp_profile;
  // runtime.default_env: NAME=value for every container, under the image's and the CRI's.
  std::vector<std::string> default_env;

  // The unified hierarchy (cgroup v2) is mounted at /sys/fs/cgroup.
  bool cgroup_v2 = false;
  // The memory controller can limit swap (cgroup v2, or v1 with memory.memsw.*).
  bool swap_limit_supported = true;
  // The hugetlb controller is present.
  bool hugetlb_supported = true;
  // The OCI runtime understands the "rro" mount option (recursive read-only).
  bool recursive_read_only_supported = false;

  // Capabilities an unprivileged container starts with (DESIGN.md §10, as CRI-O).
  std::vector<std::string> default_capabilities = DefaultCapabilities();
  // Capabilities the runtime itself holds (its bounding set): what "privileged" and "ALL"
  // mean here. A host that dropped some (this machine lacks CAP_SYS_RESOURCE) must not hand
  // them out, or runc fails every privileged container.
  std::vector<std::string> all_capabilities = KnownCapabilities();

  // Privileged containers get the host's devices unless this is set (containerd's
  // privileged_without_host_devices).
  bool privileged_without_host_devices = false;

  // The node's hostname: the HOSTNAME variable when the pod config has none.
  std::string node_hostname;
  // /proc/sys/kernel/random/boot_id, new at every boot: a container recorded RUNNING in
  // another boot is gone, whatever process its old pids name now.
  std::string boot_id;
  // Kernel version, for the "minKernel" conditions of Docker-format seccomp profiles;
  // 0.0 counts as new enough for every condition.
  int kernel_major = 0;
  int kernel_minor = 0;
};

}  // namespace cria::runtime::spec

#include "services/runtime/spec/node_defaults.h"

#include <algorithm>

#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/rlimits.h"
#include "services/runtime/spec/seccomp.h"
#include "services/runtime/spec/sysctls.h"

namespace cria::runtime::spec {

Result<NodeDefaults> LoadNodeDefaults(const config::RuntimeSection& runtime,
                                      const HostFacts& host) {
  NodeDefaults out;
  CRIA_ASSIGN_OR_RETURN(out.capabilities, NormalizeCapabilities(runtime.default_capabilities),
                        "runtime.default_capabilities");
  // A sysctl that is not namespaced would fail every pod.
  CRIA_ASSIGN_OR_RETURN(out.sysctls, ParseDefaultSysctls(runtime.default_sysctls),
                        "runtime.default_sysctls");
  // A limit the OCI runtime cannot set would fail every container's start.
  CRIA_ASSIGN_OR_RETURN(out.rlimits, ParseUlimits(runtime.default_ulimits),
                        "runtime.default_ulimits");
  const bool can_raise = std::find(host.all_capabilities.begin(), host.all_capabilities.end(),
                                   "CAP_SYS_RESOURCE") != host.all_capabilities.end();
  CRIA_RETURN_IF_ERROR(CheckRaisable(out.rlimits, can_raise), "runtime.default_ulimits");
  if (!runtime.seccomp_profile.empty()) {
    CRIA_ASSIGN_OR_RETURN(out.seccomp_profile, LoadDefaultSeccompProfile(runtime.seccomp_profile),
                          "runtime.seccomp_profile");
  }
  out.privileged_without_host_devices = runtime.privileged_without_host_devices;
  out.env = runtime.default_env;  // NAME=value each, as the config loader checked
  return out;
}

void ApplyNodeDefaults(const NodeDefaults& defaults, HostFacts& host) {
  host.default_capabilities = defaults.capabilities;
  host.default_seccomp_profile = defaults.seccomp_profile;
  host.privileged_without_host_devices = defaults.privileged_without_host_devices;
  host.default_env = defaults.env;
}

}  // namespace cria::runtime::spec

// The deprecated CRI string fields cria still honours (as containerd and CRI-O do) when
// the newer SecurityProfile fields are unset, read in one place so the compiler's
// deprecation warnings stay meaningful everywhere else.
#pragma once

#include <string>

#include "cri/runtime/v1/cri_api.h"

namespace cria::runtime::spec {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

inline const std::string& DeprecatedSeccompPath(
    const ::runtime::v1::LinuxContainerSecurityContext& security) {
  return security.seccomp_profile_path();
}

inline const std::string& DeprecatedSeccompPath(
    const ::runtime::v1::LinuxSandboxSecurityContext& security) {
  return security.seccomp_profile_path();
}

inline const std::string& DeprecatedAppArmorProfile(
    const ::runtime::v1::LinuxContainerSecurityContext& security) {
  return security.apparmor_profile();
}

#pragma GCC diagnostic pop

}  // namespace cria::runtime::spec

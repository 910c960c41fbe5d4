// The /proc and /sys paths hidden from (masked) or read-only in a container.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::runtime::spec {

// Kubernetes' DefaultProcMount lists (pkg/securitycontext), which containerd and CRI-O use.
const std::vector<std::string>& DefaultMaskedPaths();
const std::vector<std::string>& DefaultReadonlyPaths();

struct HiddenPaths {
  std::vector<std::string> masked;
  std::vector<std::string> readonly;
};

// None for a privileged container; otherwise the CRI lists where given (non-empty), else the
// defaults. The kubelet sends empty lists only for procMount: Unmasked, which Kubernetes
// allows only with a user namespace, which cria refuses: an empty list here always means
// "not given". InvalidArgument for a relative path.
Result<HiddenPaths> BuildHiddenPaths(const ::runtime::v1::LinuxContainerSecurityContext& security,
                                     bool privileged);

}  // namespace cria::runtime::spec

// OCI annotations of a container or pod infra spec: the io.kubernetes.cri.* keys containerd
// sets (so tools that read them, e.g. NRI plugins and OCI hooks, work unchanged) over the
// CRI annotations of the container or pod.
#pragma once

#include <map>
#include <string>

#include "cri/runtime/v1/cri_api.h"

namespace cria::runtime::spec {

inline constexpr char kContainerType[] = "io.kubernetes.cri.container-type";
inline constexpr char kContainerTypeContainer[] = "container";
inline constexpr char kContainerTypeSandbox[] = "sandbox";
inline constexpr char kSandboxId[] = "io.kubernetes.cri.sandbox-id";
inline constexpr char kSandboxName[] = "io.kubernetes.cri.sandbox-name";
inline constexpr char kSandboxNamespace[] = "io.kubernetes.cri.sandbox-namespace";
inline constexpr char kSandboxUid[] = "io.kubernetes.cri.sandbox-uid";
inline constexpr char kSandboxLogDirectory[] = "io.kubernetes.cri.sandbox-log-directory";
inline constexpr char kContainerName[] = "io.kubernetes.cri.container-name";
inline constexpr char kImageName[] = "io.kubernetes.cri.image-name";
inline constexpr char kSandboxCpuPeriod[] = "io.kubernetes.cri.sandbox-cpu-period";
inline constexpr char kSandboxCpuQuota[] = "io.kubernetes.cri.sandbox-cpu-quota";
inline constexpr char kSandboxCpuShares[] = "io.kubernetes.cri.sandbox-cpu-shares";
inline constexpr char kSandboxMemory[] = "io.kubernetes.cri.sandbox-memory";

// A container's: its CRI annotations, then container-type "container", sandbox-id,
// sandbox-name/-namespace/-uid, container-name, image-name and the pod's resources.
std::map<std::string, std::string> ContainerAnnotations(
    const ::runtime::v1::ContainerConfig& config, const ::runtime::v1::PodSandboxConfig& pod,
    const std::string& pod_id, const std::string& image_name);

// The pod infra container's: the pod's CRI annotations, then container-type "sandbox",
// sandbox-id, -name, -namespace, -uid, -log-directory and the pod's resources.
std::map<std::string, std::string> SandboxAnnotations(const ::runtime::v1::PodSandboxConfig& pod,
                                                      const std::string& pod_id);

}  // namespace cria::runtime::spec

// The OCI spec of a container, from a CRI CreateContainer request, the image config, the
// host and what the runtime prepared. Each part comes from its own small file (process_args,
// environment, user, capabilities, mounts, devices, masked_paths, sysctls, seccomp, lsm,
// resources, namespaces, cgroup_path, annotations); this file puts them together.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/host_lookup.h"
#include "services/runtime/spec/mounts.h"
#include "services/runtime/spec/oci_spec.h"
#include "services/runtime/spec/prepared.h"
#include "services/runtime/spec/resources.h"

namespace cria::runtime::spec {

// A spec and what the caller must do before `runc create` can use it.
struct GeneratedSpec {
  Spec spec;
  // Bind sources to create as directories (0755) when missing (MountPlan::host_dirs).
  std::vector<std::string> host_dirs;
  // Image VOLUMEs with a directory of their own, to fill from the image
  // (MountPlan::image_volumes).
  std::vector<ImageVolumeDir> image_volumes;
  // Host paths to relabel with spec.linux.mount_label, when SELinux is enabled.
  std::vector<std::string> relabel;
  // Propagation each bind source's host mount must allow (propagation.h).
  std::vector<PropagationCheck> propagation_checks;
  // The OOM score asked for and the one in the spec; they differ when it was clamped to
  // HostFacts::oom_score_adj_floor (the caller logs that once).
  OomScoreAdj oom_score_adj;
};

// The spec of one container. Errors name what is wrong with the request: InvalidArgument
// for the request's own mistakes (an empty command, a relative mount path, an unknown user,
// a privileged container in an unprivileged pod, user namespaces, a node-wide sysctl ...),
// FailedPrecondition for what this host cannot do (AppArmor/SELinux/seccomp absent,
// recursive read-only mounts, hugetlb), NotFound for a missing seccomp profile or device.
Result<GeneratedSpec> GenerateContainerSpec(const ::runtime::v1::ContainerConfig& config,
                                            const ::runtime::v1::PodSandboxConfig& pod,
                                            const ::cria::image::v1::ImageConfig& image,
                                            const PreparedContainer& prepared,
                                            const HostFacts& host, const HostLookup& lookup);

}  // namespace cria::runtime::spec

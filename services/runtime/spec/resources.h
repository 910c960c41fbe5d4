// cgroup resource limits and the OOM score of a container, from CRI LinuxContainerResources.
#pragma once

#include <string>
#include <string_view>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

struct OomScoreAdj {
  int requested = 0;
  int applied = 0;
  bool Clamped() const { return applied != requested; }
};

// `requested` raised to `floor` when below it (a process without CAP_SYS_RESOURCE cannot
// lower its oom_score_adj, so runc would fail), as containerd's restrict_oom_score_adj.
// InvalidArgument outside -1000..1000.
Result<OomScoreAdj> ClampOomScoreAdj(int64_t requested, int floor);

// linux.resources without devices and pids: CPU shares/quota/period/cpuset, memory limit
// (swap = limit when no swap limit is given, so the container does not swap by default, as
// containerd; swap settings are dropped where the host cannot limit swap), hugepage limits
// and the unified (cgroup v2) map. Zero means "not set". InvalidArgument for negative values
// (-1 is allowed for quota and swap: unlimited); FailedPrecondition for hugepage limits
// without the hugetlb controller or unified settings on cgroup v1.
Result<Resources> BuildResources(const ::runtime::v1::LinuxContainerResources& resources,
                                 const HostFacts& host);

// The JSON `runc update --resources` / `crun update --resources` read for
// UpdateContainerResources: BuildResources as linux.resources. oom_score_adj is not
// updatable this way and is ignored.
Result<std::string> UpdateResourcesJson(const ::runtime::v1::LinuxContainerResources& resources,
                                        const HostFacts& host);

// UpdateContainerResources of a container whose OCI runtime create has not run yet (cria
// runs it at StartContainer, as containerd creates its task): the bundle's config.json text
// with linux.resources' memory, cpu, hugepageLimits and unified made from `resources` (the
// whole merged set, as BuildResources makes them at CreateContainer); the device rules and
// the pids limit stay. InvalidArgument for a config.json that is not an object with one.
Result<std::string> ReplaceSpecResources(std::string_view config_json,
                                         const ::runtime::v1::LinuxContainerResources& resources,
                                         const HostFacts& host);

// A container's resources after an UpdateContainerResources of `update`: each field it sets
// (non-zero, non-empty) replaces that of `current`, unified keys one by one, and the others
// stay, as the runtime's update leaves what its JSON does not name (containerd merges the
// same way). oom_score_adj stays: an update cannot change it.
::runtime::v1::LinuxContainerResources MergeResourceUpdate(
    const ::runtime::v1::LinuxContainerResources& current,
    const ::runtime::v1::LinuxContainerResources& update);

}  // namespace cria::runtime::spec

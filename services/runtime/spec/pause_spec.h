// The OCI spec of a pod's infra process (cria-pause). cria runs one only for pods that
// share their PID namespace: it is PID 1 of that namespace and reaps orphans; its other
// namespaces are the pod's pinned ones.
#pragma once

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/oci_spec.h"
#include "services/runtime/spec/prepared.h"
#include "services/runtime/spec/resources.h"

namespace cria::runtime::spec {

// The OOM score of infra processes (the kubelet's and containerd's sandbox value), so that
// the OOM killer takes a pod's containers before the process holding its namespaces.
inline constexpr int kPauseOomScoreAdj = -998;
// Who cria-pause runs as when the pod names no run_as_user (as the upstream pause image).
inline constexpr uint32_t kPauseUid = 65535;

struct GeneratedPauseSpec {
  Spec spec;
  OomScoreAdj oom_score_adj;
};

// args `prepared.args` in the read-only `prepared.rootfs`; as the pod's run_as_user /
// run_as_group, else 65535:65535; no capabilities, no_new_privileges; /proc, /dev and
// /dev/pts only; a new PID namespace and the pod's network, IPC and UTS (or the host's);
// the pod's hostname, sysctls, seccomp, AppArmor and SELinux settings; the default device
// rules and masked paths (none for a privileged pod); cgroup <parent>/cria-<pod id>.
Result<GeneratedPauseSpec> GeneratePauseSpec(const ::runtime::v1::PodSandboxConfig& pod,
                                             const PreparedPause& prepared, const HostFacts& host);

}  // namespace cria::runtime::spec

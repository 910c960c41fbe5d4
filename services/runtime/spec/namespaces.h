// The Linux namespaces of a container: which it makes, which it joins, which it shares
// with the host.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// The pod's namespaces as the runtime pinned them (bind mounts under the run dir, or
// /proc/<pid>/ns/... of the infra process). An empty path in a POD mode means the pod has
// none pinned: the container gets a new namespace of that kind (a pod without pinned
// namespaces, as in tests, behaves like a private one).
struct PodNamespacePaths {
  std::string network;
  std::string ipc;
  std::string uts;
  std::string pid;  // only when the pod shares its PID namespace
};

struct NamespaceInputs {
  // network and ipc come from the pod (a container cannot leave its pod's), pid from the
  // container; user namespaces from either.
  const ::runtime::v1::NamespaceOption* pod = nullptr;
  const ::runtime::v1::NamespaceOption* container = nullptr;
  PodNamespacePaths paths;
  // PID of the target container's process, for pid mode TARGET.
  int target_pid = 0;
  // A cgroup namespace of its own (cgroup v2 and not privileged, as containerd).
  bool cgroup_namespace = false;
  // The pause container makes the pod's PID namespace: pid is always new.
  bool new_pid = false;
};

// Modes the rest of the spec depends on.
bool HostNetwork(const ::runtime::v1::NamespaceOption* pod);
bool HostIpc(const ::runtime::v1::NamespaceOption* pod);

// linux.namespaces: mount always new; network, ipc: the pod's path (POD) or the host's
// (NODE: absent); uts follows the network (the host's with host networking); pid: POD → the
// pod's, CONTAINER → new, NODE → the host's, TARGET → /proc/<target_pid>/ns/pid; cgroup when
// asked. InvalidArgument for user namespaces (not supported), TARGET without a target or a
// mode that does not exist for that namespace.
Result<std::vector<Namespace>> BuildNamespaces(const NamespaceInputs& inputs);

}  // namespace cria::runtime::spec

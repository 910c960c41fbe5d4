// What cria-runtime has made ready for a container or pod infra process before its spec is
// generated: ids, the rootfs, the pod's cgroup parent, pinned namespaces and files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/runtime/cdi/cdi_spec.h"
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/spec/mounts.h"
#include "services/runtime/spec/namespaces.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

struct PreparedContainer {
  std::string container_id;
  std::string pod_id;
  // The container's mounted root filesystem (absolute); its /etc/passwd and /etc/group are
  // read from here.
  std::string rootfs;
  // The image as the user named it (user_specified_image, else the reference), for the
  // image-name annotation and messages.
  std::string image_name;
  // The pod's cgroup parent in the driver's syntax (a path, or a slice name).
  std::string cgroup_parent;
  cgroups::Driver cgroup_driver = cgroups::Driver::kCgroupfs;
  PodNamespacePaths namespaces;
  // For pid mode TARGET: the target container's process.
  int target_pid = 0;
  PodFiles pod_files;
  // See MountInputs::volumes_dir.
  std::string volumes_dir;
  // pids.max of the container, when the runtime is configured with one.
  std::optional<int64_t> pids_limit;
  // process.rlimits; empty: the container inherits the limits of conmon and the OCI
  // runtime, i.e. of cria-runtime (its unit sets LimitNOFILE=1048576).
  std::vector<Rlimit> rlimits;
  // The edits of the CDI devices it asks for (cdi::Resolve), applied last.
  std::vector<cdi::ContainerEdits> cdi_edits;
};

struct PreparedPause {
  std::string pod_id;
  // A directory holding the cria-pause binary, made by the runtime (no image).
  std::string rootfs;
  std::vector<std::string> args = {"/cria-pause"};
  std::string cgroup_parent;
  cgroups::Driver cgroup_driver = cgroups::Driver::kCgroupfs;
  // network, ipc and uts; pid is ignored (the infra process makes the pod's PID namespace).
  PodNamespacePaths namespaces;
  std::optional<int64_t> pids_limit;
};

}  // namespace cria::runtime::spec

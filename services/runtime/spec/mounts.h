// The mounts of a container: the system mounts every container gets, the pod's files
// (/etc/hosts, /etc/resolv.conf, /etc/hostname, /dev/shm), the image's VOLUMEs and the CRI
// mounts, ordered so that a parent is mounted before what is mounted below it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// Host paths of the files the runtime made for the pod; empty: none.
struct PodFiles {
  std::string hosts;        // → /etc/hosts
  std::string resolv_conf;  // → /etc/resolv.conf
  std::string hostname;     // → /etc/hostname
  std::string shm;          // → /dev/shm (the pod's tmpfs)
};

struct MountInputs {
  bool privileged = false;
  bool readonly_rootfs = false;
  bool host_ipc = false;
  bool recursive_read_only_supported = false;
  PodFiles pod_files;
  // Directory under which an image VOLUME not covered by a CRI mount gets an empty
  // directory of its own (as containerd); empty: such volumes are left to the rootfs.
  std::string volumes_dir;
};

// A bind source whose mount point must be shared (rshared) or at least a slave (rslave)
// on the host for the requested propagation to work; propagation.h checks it.
struct PropagationCheck {
  std::string host_path;
  bool need_shared = false;  // false: shared or slave is enough
};

// An image VOLUME bound from a directory of the container's own (MountInputs::volumes_dir).
struct ImageVolumeDir {
  std::string destination;  // in the container, cleaned: "/var/lib/app"
  std::string host_dir;     // the bind source
};

struct MountPlan {
  std::vector<Mount> mounts;
  // The image VOLUMEs no CRI mount took the place of: their directories start with the
  // image's content at the destination, which the caller copies (as Docker, containerd).
  std::vector<ImageVolumeDir> image_volumes;
  // "rshared" with a BIDIRECTIONAL mount, "rslave" with a HOST_TO_CONTAINER one, else "".
  std::string rootfs_propagation;
  // Host paths of bind sources the caller must make exist before creating the container:
  // each missing one is created as a directory (0755), as the kubelet expects of a hostPath.
  std::vector<std::string> host_dirs;
  // Host paths to relabel for SELinux (the mounts asking for it) when SELinux is enabled.
  std::vector<std::string> relabel;
  std::vector<PropagationCheck> propagation_checks;
};

// The mounts of a container. InvalidArgument for a CRI mount with a relative or empty
// container_path, an empty or relative host_path, an image source or ID mappings (not
// supported), two mounts at one path, or recursive_read_only without readonly and private
// propagation; FailedPrecondition for recursive_read_only when the OCI runtime lacks it.
Result<MountPlan> BuildMounts(const google::protobuf::RepeatedPtrField<::runtime::v1::Mount>& cri,
                              const google::protobuf::RepeatedPtrField<std::string>& image_volumes,
                              const MountInputs& inputs);

// The system mounts alone: /proc, /dev, /dev/pts, /dev/shm (a 64 MiB tmpfs), /dev/mqueue
// (of the container's IPC namespace, the host's with host IPC), /sys and /sys/fs/cgroup
// (read-only unless privileged).
std::vector<Mount> SystemMounts(bool privileged);

// Whether a CRI mount's source is an image (an image volume), which the runtime makes into
// a bind before the spec is generated.
bool IsImageMount(const ::runtime::v1::Mount& m);

// `path` made lexical: repeated '/', "." and ".." resolved, no trailing '/' ("/" stays).
// Meant for absolute paths; ".." at the root stays at the root.
std::string CleanPath(std::string_view path);

// The number of components of a clean absolute path ("/" has 0).
size_t PathDepth(std::string_view clean_path);

}  // namespace cria::runtime::spec

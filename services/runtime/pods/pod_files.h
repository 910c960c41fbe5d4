// The files a pod's containers share, in the pod's run dir: hostname, hosts and
// resolv.conf (from the CRI DNSConfig, else the host's), and the pod's own /dev/shm
// (a tmpfs, unless the pod uses the host's IPC namespace); and the pinned namespace files.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::runtime::pods {

struct PodFiles {
  std::string hostname, hosts, resolv_conf, shm;
};

PodFiles PodFilesIn(const std::string& dir);

// Writes hostname, hosts (localhost lines and the pod's IPs under its hostname) and
// resolv.conf. The config's hostname may be empty: `node_hostname` is used then, as
// containerd and CRI-O do.
Status WritePodFiles(const std::string& dir, const ::runtime::v1::PodSandboxConfig& config,
                     const std::vector<std::string>& ips, const std::string& node_hostname);
// Mounts a 64 MiB tmpfs (mode 1777, nosuid, nodev, noexec) at <dir>/shm.
Status MountShm(const std::string& dir);
// Unmounts <dir>/shm if mounted; not mounted is OK.
Status UnmountShm(const std::string& dir);

// Undoes a namespace pin (cria-pinns, the infra PID pin): unmounts and removes the file.
// An empty path, or one already gone, is OK.
Status UnpinNamespace(const std::string& path);

// The hostname a pod's containers get: the config's, else the node's.
std::string PodHostname(const ::runtime::v1::PodSandboxConfig& config,
                        const std::string& node_hostname);

}  // namespace cria::runtime::pods

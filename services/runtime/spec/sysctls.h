// Pod sysctls: only namespaced ones, and only where the pod has its own namespace.
#pragma once

#include <map>
#include <string>

#include "google/protobuf/map.h"
#include "libs/status/status.h"

namespace cria::runtime::spec {

// `sysctls` checked for the pod's namespaces, as the kubelet and CRI-O do:
//   net.*                                   needs the pod's own network namespace,
//   kernel.shm*, kernel.msg*, kernel.sem,
//   fs.mqueue.*                             its own IPC namespace,
//   kernel.hostname, kernel.domainname      its own UTS namespace (host network shares the
//                                           host's UTS).
// Names may use '/' instead of '.'. Anything else is not namespaced and would change the
// whole node: InvalidArgument, as are the namespaced ones in a host namespace.
Result<std::map<std::string, std::string>> BuildSysctls(
    const google::protobuf::Map<std::string, std::string>& sysctls, bool host_network,
    bool host_ipc);

// Whether sysctl `name` ("net.ipv4.ip_forward" or "net/ipv4/ip_forward") belongs to the
// network namespace: set by the OCI runtime in the pod's netns, not by cria-pinns.
bool IsNetworkSysctl(const std::string& name);

}  // namespace cria::runtime::spec

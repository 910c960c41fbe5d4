// Pod sysctls: only namespaced ones, and only where the pod has its own namespace.
#pragma once

#include <map>
#include <string>
#include <vector>

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

// runtime.default_sysctls ("name=value" items, as CRI-O's default_sysctls) as a map.
// InvalidArgument naming an item that is not of that form or not namespaced (every pod
// would refuse it).
Result<std::map<std::string, std::string>> ParseDefaultSysctls(
    const std::vector<std::string>& items);

// The sysctls a pod gets: its own `sysctls` (checked as BuildSysctls checks them), then
// each of `defaults` the pod gives no value of (names compared in '.' form) whose namespace
// the pod has of its own; one in a namespace it shares with the host is left out.
Result<std::map<std::string, std::string>> PodSysctls(
    const std::map<std::string, std::string>& defaults,
    const google::protobuf::Map<std::string, std::string>& sysctls, bool host_network,
    bool host_ipc);

// Whether sysctl `name` ("net.ipv4.ip_forward" or "net/ipv4/ip_forward") belongs to the
// network namespace: set by the OCI runtime in the pod's netns, not by cria-pinns.
bool IsNetworkSysctl(const std::string& name);

}  // namespace cria::runtime::spec

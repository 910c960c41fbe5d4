// The CNI runtimeConfig values cria offers for a pod (the CNI "capabilities" that
// plugins declare): portMappings, bandwidth (from the kubernetes.io/ingress-bandwidth and
// egress-bandwidth annotations), dns, ipRanges (from the node's pod CIDR) and cgroupPath.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::pod {

struct PortMapping {
  std::string protocol;  // "tcp", "udp", "sctp"
  int container_port = 0;
  int host_port = 0;
  std::string host_ip;
};

struct Dns {
  std::vector<std::string> servers, searches, options;
};

struct PodNetworkSpec {
  std::string pod_id, pod_name, pod_namespace, pod_uid;
  std::vector<PortMapping> port_mappings;
  std::map<std::string, std::string> annotations;
  Dns dns;
  std::string cgroup_parent;
};

// A Kubernetes resource quantity ("10M", "1Gi", "500k", "1000") as a number;
// InvalidArgument naming it otherwise.
Result<uint64_t> ParseQuantity(const std::string& text);

// The capabilities JSON object for the pod. Port mappings with no host port are not
// offered (nothing to map); `pod_cidrs` (comma-separated, may be empty) become ipRanges.
// A malformed bandwidth annotation is InvalidArgument naming it.
Result<std::string> CapabilitiesJson(const PodNetworkSpec& spec, const std::string& pod_cidrs);

}  // namespace cria::network::pod

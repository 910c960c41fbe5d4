// The result a CNI plugin prints on ADD. Versions 0.3.x, 0.4.0 and 1.0.0 share the layout read
// here: {"interfaces": [{name, mac, sandbox}], "ips": [{address, gateway, interface}], ...}.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::cni {

struct IpConfig {
  std::string address;  // "10.88.0.5/16"
  std::string ip;       // "10.88.0.5"
  std::string gateway;  // empty when absent
  int interface = -1;   // index into CniResult::interfaces; -1 when absent
  bool ipv6 = false;
};

struct Interface {
  std::string name;
  std::string mac;
  std::string sandbox;  // the netns path; empty for a host-side interface
};

struct CniResult {
  std::vector<Interface> interfaces;
  std::vector<IpConfig> ips;
  std::string raw;  // the JSON text parsed
};

// Parses a result. InvalidArgument, saying which field, for text that is not a JSON object,
// a field of the wrong type, an address that is not "IP/prefix", a gateway that is not an IP
// or an interface index out of range.
Result<CniResult> ParseResult(const std::string& json);

// The pod's IPs for the kubelet, primary first: the addresses of interfaces inside the sandbox
// (or with no interface index), IPv4 before IPv6, each family in result order, without
// loopback addresses (a chained loopback plugin reports 127.0.0.1 on "lo") and duplicates.
std::vector<std::string> PodIps(const CniResult& result);

}  // namespace cria::network::cni

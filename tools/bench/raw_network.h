// The network half of a raw pod, for the like-for-like baseline of pod+container start:
// what cria-network does for a pod, done by hand as an operator would: `ip netns add`, `lo`
// up, then the benchmark's CNI chain (bridge with host-local IPAM, as in cria's conflist)
// run on it. On a bridge and subnet of its own, so its IPAM never meets cria's.
#pragma once

#include <set>
#include <string>

#include "libs/status/status.h"

namespace cria::bench {

class RawNetwork {
 public:
  // `dir`: an empty directory it owns (IPAM state); `bridge`, `subnet` ("10.x.y.0/24").
  RawNetwork(std::string dir, std::string bridge, std::string subnet);
  // Deletes what is still added, and the bridge.
  ~RawNetwork();
  RawNetwork(const RawNetwork&) = delete;
  RawNetwork& operator=(const RawNetwork&) = delete;

  // A netns named after `id` with the chain added: its path (/run/netns/<name>).
  Result<std::string> Add(const std::string& id);
  // CNI DEL of the chain (reverse order) and the netns removed.
  Status Del(const std::string& id);

 private:
  std::string NetnsName(const std::string& id) const;
  Status RunPlugin(const std::string& type, const std::string& command, const std::string& id,
                   const std::string& config);

  std::string dir_, bridge_, subnet_;
  std::set<std::string> added_;
};

}  // namespace cria::bench

// CNI 1.1's network-wide verbs: STATUS (can the plugins set up networks now?) and GC
// (drop what belongs to no live attachment). Lists whose cniVersion is below 1.1.0 skip
// both with OK, as libcni does: the plugins do not know the verbs.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"
#include "services/network/cni/config.h"

namespace cria::network::cni {

// True when the list's cniVersion is at least 1.1.0.
bool SupportsStatusAndGc(const NetworkConfig& network);

// STATUS on each plugin in order; the first failure is returned with the plugin's message.
Status StatusNetwork(const NetworkConfig& network, const std::vector<std::string>& plugin_dirs,
                     std::chrono::milliseconds timeout);

// One live attachment: a container id and its interface name.
struct Attachment {
  std::string container_id;
  std::string ifname;
};

// GC on each plugin in order, with "cni.dev/valid-attachments" listing `valid`. Every
// plugin runs even when one fails; the first failure is returned.
Status GcNetwork(const NetworkConfig& network, const std::vector<Attachment>& valid,
                 const std::vector<std::string>& plugin_dirs, std::chrono::milliseconds timeout);

}  // namespace cria::network::cni

// Running a network configuration's plugin chain for one container: ADD, DEL and CHECK as the
// CNI spec 1.0 and libcni define them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"
#include "services/network/cni/config.h"

namespace cria::network::cni {

struct RuntimeConf {
  std::string container_id;  // required
  std::string netns;         // a netns path, e.g. /run/netns/NAME; required for ADD and CHECK
  std::string ifname = "eth0";
  // CNI_ARGS: K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_INFRA_CONTAINER_ID, K8S_POD_UID,
  // IgnoreUnknown=1 ...
  std::vector<std::pair<std::string, std::string>> args;
  // A JSON object of capability name -> value, e.g. {"portMappings": [...], "bandwidth": {...},
  // "dns": {...}, "ipRanges": [...], "cgroupPath": "..."}; empty means none.
  std::string capabilities_json;
};

// The stdin config of `plugin` (as libcni's buildOneConfig builds it): the plugin's object,
// with "name" and "cniVersion" set from the list, "runtimeConfig" replaced by the capabilities
// the plugin declares AND `capabilities_json` holds (left as in the file when there are none),
// and "prevResult" set to `prev_result` when given. InvalidArgument when `capabilities_json`
// or `prev_result` is not a JSON object.
Result<std::string> BuildPluginConfig(const NetworkConfig& network, const PluginConf& plugin,
                                      const std::string& capabilities_json,
                                      const std::optional<std::string>& prev_result);

// Runs ADD for each plugin in order, each getting the previous one's result as "prevResult";
// returns the last plugin's result (to be cached by the caller for DEL and CHECK).
//
// When plugin k fails, nothing is undone here: plugins before k (and k itself) may have left
// interfaces and IP reservations behind, so the caller must run DelNetwork for the same
// container, as libcni users do. `timeout` applies to each plugin run.
Result<std::string> AddNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                               const std::vector<std::string>& plugin_dirs,
                               std::chrono::milliseconds timeout);

// Runs DEL for each plugin in reverse order, with "prevResult" = `cached_result` when given and
// the list's cniVersion is at least 0.4.0 (a cached result that is not a JSON object is left
// out rather than blocking the release). Every plugin runs even when one fails; the first
// failure's code is returned with all failures in the message. When rt.netns names a path that
// no longer exists, CNI_NETNS is passed empty: plugins then release only host-side state such
// as IPAM reservations (the interfaces went with the netns). DEL of a container that is
// already gone is OK for the standard plugins, so DEL can be retried.
Status DelNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                  const std::optional<std::string>& cached_result,
                  const std::vector<std::string>& plugin_dirs, std::chrono::milliseconds timeout);

// Runs CHECK for each plugin in order with "prevResult" = `cached_result`, stopping at the
// first failure. OK without running anything when the list's cniVersion is below 0.4.0 or it
// sets "disableCheck". FailedPrecondition when no cached result is given (CHECK needs it).
Status CheckNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                    const std::optional<std::string>& cached_result,
                    const std::vector<std::string>& plugin_dirs, std::chrono::milliseconds timeout);

}  // namespace cria::network::cni

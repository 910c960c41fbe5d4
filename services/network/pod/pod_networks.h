// Pod networks: a pinned netns per pod plus CNI ADD/DEL/CHECK on it, remembered in a
// record per pod so DEL after a restart uses what ADD used. No gRPC types here.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "libs/ids/name_registry.h"
#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/network/cni/config.h"
#include "services/network/pod/capabilities.h"
#include "services/network/state/pod_record.h"

namespace cria::network::pod {

struct PodNetworkInfo {
  std::string netns;
  std::vector<std::string> ips;  // IPv4 first
  std::string network_name;
};

struct Readiness {
  bool ready = false;
  std::string reason;  // "NetworkPluginNotReady" when not ready
  std::string message;
  std::string network_name;
};

struct RecoveryReport {
  int kept = 0;     // ready pods whose netns is still there
  int cleaned = 0;  // half-made or orphaned networks removed
  std::vector<std::string> problems;
};

class PodNetworks {
 public:
  explicit PodNetworks(const config::Config& config);

  // Creates the netns and records directories.
  Status Init();
  // Reconciles records with pinned namespaces (DESIGN.md section 4): half-made networks
  // and records whose netns is gone get CNI DEL (with the cached result where there is
  // one) and are removed; pins with no record are removed after a best-effort DEL.
  RecoveryReport Recover();

  // Netns + CNI ADD + record. On failure nothing is left. A pod whose network is
  // already up gets the same answer again.
  Result<PodNetworkInfo> Create(const PodNetworkSpec& spec);
  // CNI DEL + netns + record removal. A pod with no network is OK. When DEL fails the
  // record and netns stay, so a retry can finish.
  Status Remove(const std::string& pod_id);
  // The pod's network; NotFound when it has none. With `check`, CNI CHECK runs first.
  Result<PodNetworkInfo> Get(const std::string& pod_id, bool check);

  // Whether a valid network configuration exists and its plugins are installed.
  Readiness CheckReady() const;
  // The node's pod CIDR(s) from the kubelet; offered as ipRanges and used to render
  // network.cni_config_template.
  Status SetPodCidr(const std::string& pod_cidrs);

  std::string NetnsPath(const std::string& pod_id) const;

 private:
  // The network pods join now: the first valid configuration (or the configured name)
  // whose plugins are all installed.
  Result<cni::NetworkConfig> CurrentNetwork() const;
  Result<state::PodRecord> ReadRecord(const std::string& pod_id) const;
  Status TearDown(const state::PodRecord& record);
  Status WriteTemplate(const std::string& pod_cidrs) const;

  const config::Config& config_;
  std::string netns_dir_;
  records::RecordDir records_;
  ids::KeyedMutex pod_locks_;  // one per pod: its network is made or removed by one call
  std::mutex mu_;
  std::string pod_cidrs_;  // guarded by mu_
};

// Pod ids follow libs/ids (they become file names and CNI container ids); CNI_ARGS
// values may not hold ';' or '='.
Status ValidateSpec(const PodNetworkSpec& spec);

}  // namespace cria::network::pod

// cria-network: pod network namespaces and CNI (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "services/network/pod/pod_networks.h"
#include "services/network/server/network_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kNetwork, "cria.network.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::network::pod::PodNetworks pods(daemon.config());
  if (cria::Status s = pods.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the network state", {{"error", s}});
    return 1;
  }
  // Before serving: half-made and orphaned pod networks from a crash are undone.
  cria::network::pod::RecoveryReport recovered = pods.Recover();
  cria::log::Info("recovered pod networks",
                  {{"kept", recovered.kept}, {"cleaned", recovered.cleaned}});
  for (const auto& problem : recovered.problems) {
    cria::log::Warn("recovery problem", {{"problem", problem}});
  }
  cria::network::NetworkService network(daemon.identity(), pods);
  daemon.server().AddService(&network);
  return daemon.Serve();
}

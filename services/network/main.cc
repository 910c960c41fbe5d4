// cria-network: pod network namespaces and CNI (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "services/network/server/network_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kNetwork, "cria.network.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::network::NetworkService network(daemon.identity());
  daemon.server().AddService(&network);
  return daemon.Serve();
}

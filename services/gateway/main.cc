// cria-gateway: the CRI endpoint. Thin: it answers Version and Status, and forwards
// every other CRI call to the backend that owns it (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "services/gateway/backends/backend.h"
#include "services/gateway/proxy/router.h"
#include "services/gateway/server/cri_image_service.h"
#include "services/gateway/server/cri_service.h"
#include "services/gateway/server/gateway_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kGateway, "cria.gateway.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  const cria::config::Config& config = daemon.config();
  cria::gateway::Backends backends(config);
  cria::gateway::CriService cri(config, backends);
  cria::gateway::CriImageService cri_images(config, backends);
  cria::gateway::GatewayService gateway(daemon.identity(), config, backends);
  cria::gateway::CriRouter router(backends, config.gateway.backend_wait_timeout);
  daemon.server().AddService(&cri);
  daemon.server().AddService(&cri_images);
  daemon.server().AddService(&gateway);
  daemon.server().SetGenericService(&router);
  return daemon.Serve({cria::config::SocketPath(config, cria::config::Daemon::kGateway),
                       config.gateway.cri_socket_mode, config.gateway.cri_socket_group});
}

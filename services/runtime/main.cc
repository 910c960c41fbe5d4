// cria-runtime: pods and containers, the CRI RuntimeService (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "services/runtime/clients/dependencies.h"
#include "services/runtime/server/info_service.h"
#include "services/runtime/server/runtime_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kRuntime, "cria.runtime.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::runtime::clients::Dependencies dependencies(daemon.config());
  cria::runtime::RuntimeService cri(daemon.config(), dependencies);
  cria::runtime::InfoService info(daemon.identity());
  daemon.server().AddService(&cri);
  daemon.server().AddService(&info);
  return daemon.Serve();
}

// cria-storage: layers and container root filesystems (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "services/storage/server/storage_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kStorage, "cria.storage.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::storage::StorageService storage(daemon.identity());
  daemon.server().AddService(&storage);
  return daemon.Serve();
}

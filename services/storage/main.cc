// cria-storage: layers and container root filesystems (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "services/storage/server/storage_service.h"
#include "services/storage/store/layer_store.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kStorage, "cria.storage.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::storage::store::LayerStore layers(
      cria::config::StateDir(daemon.config(), cria::config::Daemon::kStorage));
  if (cria::Status s = layers.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the layer store", {{"error", s}});
    return 1;
  }
  // Before serving: leftovers of applies a crash interrupted are removed.
  cria::storage::store::StoreRecovery recovered = layers.Recover();
  cria::log::Info("layer store loaded",
                  {{"layers", recovered.layers}, {"removed_leftovers", recovered.removed.size()}});
  for (const auto& problem : recovered.problems) {
    cria::log::Warn("layer store problem", {{"problem", problem}});
  }
  cria::storage::StorageService storage(daemon.identity(), layers);
  daemon.server().AddService(&storage);
  return daemon.Serve();
}

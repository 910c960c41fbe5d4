// cria-storage: layers and container root filesystems (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "services/storage/drivers/driver_record.h"
#include "services/storage/server/storage_service.h"
#include "services/storage/store/layer_store.h"
#include "services/storage/store/privileges.h"
#include "services/storage/store/rootfs_store.h"

int main(int argc, char** argv) {
  namespace store = cria::storage::store;
  cria::daemon::Daemon daemon(cria::config::Daemon::kStorage, "cria.storage.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  const std::string root = cria::config::StateDir(daemon.config(), cria::config::Daemon::kStorage);
  auto driver = cria::storage::drivers::OpenStoreDriver(root, daemon.config().storage.driver);
  if (!driver.ok()) {
    cria::log::Error("cannot choose the storage driver", {{"error", driver.status()}});
    return 1;
  }
  const bool devices = store::CanMakeDevices();
  if (!devices) {
    cria::log::Info("no CAP_MKNOD: layers with device nodes will be refused");
  }
  store::LayerStore layers(root, **driver, devices);
  store::RootfsStore rootfs(root, layers, **driver);
  for (cria::Status s : {layers.Init(), rootfs.Init()}) {
    if (!s.ok()) {
      cria::log::Error("cannot prepare the store", {{"dir", root}, {"error", s}});
      return 1;
    }
  }
  // Before serving: leftovers of applies and creates a crash interrupted are removed.
  store::StoreRecovery recovered = layers.Recover();
  store::RootfsRecovery containers = rootfs.Recover();
  cria::log::Info("store loaded",
                  {{"driver", (*driver)->Name()},
                   {"layers", recovered.layers},
                   {"rootfs", containers.rootfs},
                   {"removed_leftovers", recovered.removed.size() + containers.removed.size()}});
  for (const auto& problem : recovered.problems) {
    cria::log::Warn("store problem", {{"problem", problem}});
  }
  cria::storage::StorageService storage(daemon.identity(), layers, rootfs);
  daemon.server().AddService(&storage);
  return daemon.Serve();
}

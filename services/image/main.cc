// cria-image: images, the registry client and the CRI ImageService (DESIGN.md section 1).
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <thread>

#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "libs/rpc/client.h"
#include "services/image/manager/image_manager.h"
#include "services/image/pull/puller.h"
#include "services/image/pull/storage_link.h"
#include "services/image/server/cri_image_service.h"
#include "services/image/server/image_service.h"
#include "services/image/server/pull_service.h"
#include "services/image/store/image_store.h"

namespace {

// Calls that block (pulls waiting on registries, removals waiting on cria-storage).
constexpr int kWorkers = 16;

}  // namespace

int main(int argc, char** argv) {
  namespace image = cria::image;
  cria::daemon::Daemon daemon(cria::config::Daemon::kImage, "cria.image.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  const cria::config::Config& config = daemon.config();
  const std::string root = cria::config::StateDir(config, cria::config::Daemon::kImage);

  image::store::ImageStore store(root);
  if (cria::Status s = store.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the image store", {{"dir", root}, {"error", s}});
    return 1;
  }
  image::store::StoreRecovery loaded = store.Load();
  cria::log::Info("image store loaded",
                  {{"images", loaded.images}, {"removed_leftovers", loaded.removed.size()}});
  for (const auto& problem : loaded.problems) {
    cria::log::Warn("image store problem", {{"problem", problem}});
  }

  image::pull::StorageLink storage(
      cria::rpc::UnixChannel(cria::config::SocketPath(config, cria::config::Daemon::kStorage)));
  image::pull::Puller puller(config.image, store, storage);
  image::manager::ImageManager images(config.image, store, storage, puller);
  boost::asio::thread_pool workers(kWorkers);

  // cria-storage may come up after us: reconcile in the background; pulls and removals
  // wait for it.
  std::atomic<bool> stopping{false};
  std::thread reconcile([&] {
    while (!stopping) {
      auto report = images.Reconcile();
      if (report.ok()) {
        cria::log::Info("images reconciled with cria-storage",
                        {{"images", report->images},
                         {"dropped", report->dropped.size()},
                         {"unpinned", report->unpinned},
                         {"layers_collected", report->layers_collected}});
        return;
      }
      cria::log::Warn("cannot reconcile images yet, retrying", {{"error", report.status()}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });

  image::ImageService internal(daemon.identity(), images);
  image::server::CriImageService cri(images, workers);
  image::server::PullService pulls(images, workers);
  daemon.server().AddService(&internal);
  daemon.server().AddService(&cri);
  daemon.server().AddService(&pulls);
  int rc = daemon.Serve();

  stopping = true;
  images.MarkReconciled();  // release calls still waiting for it
  puller.Stop();
  workers.join();
  reconcile.join();
  return rc;
}

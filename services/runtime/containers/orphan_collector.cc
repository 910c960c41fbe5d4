#include "services/runtime/containers/orphan_collector.h"

#include <chrono>

#include "libs/log/log.h"

namespace cria::runtime::containers {

OrphanRootfsCollector::OrphanRootfsCollector(ContainerManager& containers)
    : containers_(containers), thread_([this] { Loop(); }) {}

OrphanRootfsCollector::~OrphanRootfsCollector() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OrphanRootfsCollector::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<int> removed = containers_.CollectOrphanRootfs();
    lock.lock();
    if (removed.ok()) {
      if (*removed > 0) log::Info("orphan root filesystems removed", {{"count", *removed}});
      return;
    }
    const StatusCode code = removed.status().code();
    if (code != StatusCode::kUnavailable && code != StatusCode::kDeadlineExceeded) {
      log::Warn("cannot collect orphan root filesystems", {{"error", removed.status()}});
      return;
    }
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

}  // namespace cria::runtime::containers

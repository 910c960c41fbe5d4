#include "services/runtime/containers/orphan_collector.h"

#include <chrono>
#include <utility>

#include "libs/log/log.h"

namespace cria::runtime::containers {

OrphanCollector::OrphanCollector(std::string what, std::function<Result<int>()> collect)
    : what_(std::move(what)), collect_(std::move(collect)), thread_([this] { Loop(); }) {}

OrphanCollector::~OrphanCollector() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OrphanCollector::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<int> removed = collect_();
    lock.lock();
    if (removed.ok()) {
      if (*removed > 0) log::Info(what_ + " removed", {{"count", *removed}});
      return;
    }
    const StatusCode code = removed.status().code();
    if (code != StatusCode::kUnavailable && code != StatusCode::kDeadlineExceeded) {
      log::Warn("cannot collect " + what_, {{"error", removed.status()}});
      return;
    }
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

}  // namespace cria::runtime::containers

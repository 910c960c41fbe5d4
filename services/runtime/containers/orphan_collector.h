// Runs ContainerManager::CollectOrphanRootfs on a thread of its own until it succeeds
// once (retrying every second while cria-storage is unavailable) or this is destroyed.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/runtime/containers/container_manager.h"

namespace cria::runtime::containers {

class OrphanRootfsCollector {
 public:
  explicit OrphanRootfsCollector(ContainerManager& containers);
  ~OrphanRootfsCollector();  // stops retrying and joins
  OrphanRootfsCollector(const OrphanRootfsCollector&) = delete;
  OrphanRootfsCollector& operator=(const OrphanRootfsCollector&) = delete;

 private:
  void Loop();

  ContainerManager& containers_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace cria::runtime::containers

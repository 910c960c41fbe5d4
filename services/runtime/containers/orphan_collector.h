// Runs a collection of what a crash left behind (a call into another daemon, which may
// start after cria-runtime) on a thread of its own until it succeeds once, retrying every
// second while that daemon is unavailable, or until this is destroyed.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "libs/status/status.h"

namespace cria::runtime::containers {

class OrphanCollector {
 public:
  // `collect` returns how many leftovers it removed; `what` names them in the log
  // ("orphan root filesystems").
  OrphanCollector(std::string what, std::function<Result<int>()> collect);
  ~OrphanCollector();  // stops retrying and joins
  OrphanCollector(const OrphanCollector&) = delete;
  OrphanCollector& operator=(const OrphanCollector&) = delete;

 private:
  void Loop();

  const std::string what_;
  const std::function<Result<int>()> collect_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace cria::runtime::containers

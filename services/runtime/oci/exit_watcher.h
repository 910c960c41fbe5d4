// Waits for the exit files conmon writes into one directory (<run_dir>/exits), for every
// stop of the daemon's life. One inotify instance watches the directory from start to end:
// closing an inotify instance that holds a watch waits for an SRCU grace period in the
// kernel's fsnotify teardown (about 15 ms on the test machine), which a fresh instance per
// wait added to every StopContainer and StopPodSandbox.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "libs/fd/unique_fd.h"
#include "libs/status/status.h"

namespace cria::runtime::oci {

class ExitWatcher {
 public:
  // Creates `exit_dir` when missing and starts watching it. Without inotify (or when the
  // watch cannot be added) the waits look again every 10 ms instead.
  static Result<std::unique_ptr<ExitWatcher>> Start(const std::string& exit_dir);
  ~ExitWatcher();
  ExitWatcher(const ExitWatcher&) = delete;
  ExitWatcher& operator=(const ExitWatcher&) = delete;

  // The exit code conmon wrote for `id`, waiting at most `timeout` for the file (conmon
  // writes it once it has reaped the container); NotFound when the time is up.
  Result<int> Wait(const std::string& id, std::chrono::milliseconds timeout);

  const std::string& dir() const { return dir_; }
  // False when the waits poll (no inotify, or its watch failed).
  bool watching();

 private:
  explicit ExitWatcher(std::string dir) : dir_(std::move(dir)) {}
  // The watching thread: every batch of events in the directory bumps generation_.
  void Run();

  const std::string dir_;
  UniqueFd inotify_;
  UniqueFd stop_;  // eventfd: tells Run to return
  std::mutex mu_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;  // guarded by mu_
  bool watching_ = false;    // guarded by mu_
  std::thread thread_;
};

}  // namespace cria::runtime::oci

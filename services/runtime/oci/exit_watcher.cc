#include "services/runtime/oci/exit_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>

#include "libs/log/log.h"
#include "services/runtime/oci/conmon.h"

namespace cria::runtime::oci {

using Clock = std::chrono::steady_clock;

Result<std::unique_ptr<ExitWatcher>> ExitWatcher::Start(const std::string& exit_dir) {
  std::error_code ec;
  std::filesystem::create_directories(exit_dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "create the exit file directory " + exit_dir);
  std::unique_ptr<ExitWatcher> watcher(new ExitWatcher(exit_dir));
  UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  // conmon writes a temp file and renames it into place (g_file_set_contents).
  if (inotify.Valid() && stop.Valid() &&
      ::inotify_add_watch(inotify.Get(), exit_dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) >= 0) {
    watcher->inotify_ = std::move(inotify);
    watcher->stop_ = std::move(stop);
    watcher->watching_ = true;
    watcher->thread_ = std::thread([w = watcher.get()] { w->Run(); });
  } else {
    log::Warn("no inotify watch on the exit file directory: stops poll it every 10 ms",
              {{"dir", exit_dir}, {"error", ErrnoStatus(errno, "inotify")}});
  }
  return watcher;
}

ExitWatcher::~ExitWatcher() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  if (::write(stop_.Get(), &one, sizeof one) < 0) {
  }
  thread_.join();
}

void ExitWatcher::Run() {
  std::array<pollfd, 2> fds = {pollfd{inotify_.Get(), POLLIN, 0}, pollfd{stop_.Get(), POLLIN, 0}};
  while (true) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      log::Error("exit file watch failed: stops now poll", {{"error", ErrnoStatus(errno, "poll")}});
      {
        std::lock_guard<std::mutex> lock(mu_);
        watching_ = false;
      }
      changed_.notify_all();
      return;
    }
    if (fds[1].revents != 0) return;
    alignas(inotify_event) char events[4096];
    while (::read(inotify_.Get(), events, sizeof events) > 0) {
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++generation_;
    }
    changed_.notify_all();
  }
}

bool ExitWatcher::watching() {
  std::lock_guard<std::mutex> lock(mu_);
  return watching_;
}

Result<int> ExitWatcher::Wait(const std::string& id, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Noted before the look: a file that appears after it changes the generation.
    const uint64_t seen = generation_;
    lock.unlock();
    Result<int> code = ReadExitCode(dir_, id);
    lock.lock();
    if (code.status().code() != StatusCode::kNotFound || Clock::now() >= deadline) return code;
    if (!watching_) {  // no watch: look again soon
      changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(10)));
      continue;
    }
    changed_.wait_until(lock, deadline, [&] { return generation_ != seen || !watching_; });
  }
}

}  // namespace cria::runtime::oci

#include "libs/process/pipe_write.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace cria::process::internal {

ssize_t WriteWithoutSigpipe(int fd, const void* data, std::size_t size) {
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &sigpipe, &old_mask);
  // A SIGPIPE already pending is someone else's: leave it alone.
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;

  const ssize_t written = ::write(fd, data, size);
  const int write_errno = errno;

  if (written < 0 && write_errno == EPIPE && !was_pending) {
    // The SIGPIPE is thread-directed and pending now; take it before unblocking.
    const timespec no_wait = {0, 0};
    while (sigtimedwait(&sigpipe, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = write_errno;
  return written;
}

}  // namespace cria::process::internal

#include "libs/process/async_run.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "libs/fd/unique_fd.h"
#include "libs/process/pipe_write.h"
#include "libs/process/spawn.h"

namespace cria::process {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using Strand = asio::strand<asio::io_context::executor_type>;
using Done = std::function<void(Result<Outcome>)>;

constexpr std::size_t kReadChunk = 64 * 1024;

// One of the child's output pipes, read into a string of the Outcome.
struct OutputPipe {
  explicit OutputPipe(const Strand& strand) : pipe(strand) {}

  asio::posix::stream_descriptor pipe;
  std::array<char, kReadChunk> buffer;
  std::string* text = nullptr;
  bool* truncated = nullptr;
  bool closed = false;  // EOF, error, or closed by us
};

// Watches one started child: feeds stdin, reads stdout and stderr, waits for the exit on
// the pidfd, enforces the timeout, and calls `done` once. Lives as long as a handler of
// its holds it; every handler runs on `strand`.
class Runner : public std::enable_shared_from_this<Runner> {
 public:
  Runner(const Strand& strand, Command cmd, Done done)
      : cmd_(std::move(cmd)),
        done_(std::move(done)),
        pidfd_(strand),
        stdin_(strand),
        stdout_(strand),
        stderr_(strand),
        timeout_timer_(strand),
        grace_timer_(strand) {
    stdout_.text = &outcome_.out;
    stdout_.truncated = &outcome_.stdout_truncated;
    stderr_.text = &outcome_.err;
    stderr_.truncated = &outcome_.stderr_truncated;
  }

  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // The io_context went away with the child still running: do not leave it behind.
  ~Runner() {
    if (pid_ > 0 && !reaped_) KillAndReap();
  }

  void Start(internal::Child child) {
    pid_ = child.pid;
    error_code ec;
    Adopt(pidfd_, child.pidfd, ec);
    Adopt(stdout_.pipe, child.stdout_pipe, ec);
    Adopt(stderr_.pipe, child.stderr_pipe, ec);
    if (child.stdin_pipe.Valid()) Adopt(stdin_, child.stdin_pipe, ec);
    if (ec) {
      Finish(Status(StatusCode::kInternal, "watch process " + std::to_string(pid_) + " (" +
                                               cmd_.argv[0] + "): register fds: " + ec.message()));
      return;
    }
    ReadOutput(stdout_);
    ReadOutput(stderr_);
    if (stdin_.is_open()) WriteInput();
    WaitForExit();
    if (cmd_.timeout.count() > 0) {
      timeout_timer_.expires_after(cmd_.timeout);
      timeout_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (!ec) self->OnTimeout();
      });
    }
  }

 private:
  // Hands `fd` to `descriptor` unless an earlier Adopt failed (`ec` set).
  static void Adopt(asio::posix::stream_descriptor& descriptor, UniqueFd& fd, error_code& ec) {
    if (ec) return;
    descriptor.assign(fd.Get(), ec);
    if (!ec) fd.Release();
  }

  void ReadOutput(OutputPipe& output) {
    output.pipe.async_read_some(
        asio::buffer(output.buffer),
        [self = shared_from_this(), &output](const error_code& ec, std::size_t size) {
          if (self->finished_) return;
          self->Keep(output, size);
          if (ec) {  // EOF, or closed after the grace period
            output.closed = true;
            self->MaybeFinish();
            return;
          }
          self->ReadOutput(output);
        });
  }

  void Keep(OutputPipe& output, std::size_t size) {
    const std::size_t limit = cmd_.output_limit;
    const std::size_t room = output.text->size() < limit ? limit - output.text->size() : 0;
    const std::size_t kept = size < room ? size : room;
    output.text->append(output.buffer.data(), kept);
    if (kept < size) *output.truncated = true;
  }

  // Writes what the pipe takes, then waits until it takes more. A child that closed its
  // stdin (or exited) ends the input: EPIPE is not an error here.
  void WriteInput() {
    const std::string& data = cmd_.stdin_data;
    while (stdin_written_ < data.size()) {
      const ssize_t n = internal::WriteWithoutSigpipe(
          stdin_.native_handle(), data.data() + stdin_written_, data.size() - stdin_written_);
      if (n >= 0) {
        stdin_written_ += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        stdin_.async_wait(asio::posix::descriptor_base::wait_write,
                          [self = shared_from_this()](const error_code& ec) {
                            if (self->finished_) return;
                            if (ec) {
                              self->CloseInput();
                              return;
                            }
                            self->WriteInput();
                          });
        return;
      } else if (errno != EINTR) {
        break;
      }
    }
    CloseInput();
  }

  void CloseInput() {
    error_code ignored;
    stdin_.close(ignored);
  }

  void WaitForExit() {
    pidfd_.async_wait(
        asio::posix::descriptor_base::wait_read, [self = shared_from_this()](const error_code& ec) {
          if (self->finished_) return;
          if (ec) {
            self->Finish(Status(StatusCode::kInternal,
                                self->Describe("wait for exit of") + ": " + ec.message()));
            return;
          }
          self->Reap();
        });
  }

  void Reap() {
    siginfo_t info = {};
    int result;
    do {
      result = waitid(P_PIDFD, static_cast<id_t>(pidfd_.native_handle()), &info, WEXITED | WNOHANG);
    } while (result < 0 && errno == EINTR);
    // Not exited yet (a non-blocking pidfd says EAGAIN, a blocking one si_pid 0).
    if ((result < 0 && errno == EAGAIN) || (result == 0 && info.si_pid == 0)) {
      WaitForExit();
      return;
    }
    if (result < 0) {
      const int wait_errno = errno;
      reaped_ = wait_errno == ECHILD;  // someone else reaped it
      Finish(ErrnoStatus(wait_errno, Describe("wait for exit of")));
      return;
    }
    reaped_ = true;
    if (info.si_code == CLD_EXITED) {
      outcome_.exit_code = info.si_status;
    } else {
      outcome_.signal = info.si_status;  // CLD_KILLED or CLD_DUMPED
    }
    timeout_timer_.cancel();
    error_code ignored;
    pidfd_.close(ignored);
    if (!stdout_.closed || !stderr_.closed) {
      // Output still open: the child's descendants may hold it. Read on for a while.
      grace_timer_.expires_after(kOutputGracePeriod);
      grace_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (ec || self->finished_) return;
        self->CloseOutput();
        self->MaybeFinish();
      });
    }
    MaybeFinish();
  }

  void OnTimeout() {
    if (finished_ || reaped_) return;
    // The child is not reaped, so its pid (= its process group id) is still its own.
    if (killpg(pid_, SIGKILL) == 0) {
      outcome_.timed_out = true;
      outcome_.timeout = cmd_.timeout;
    }
  }

  void CloseOutput() {
    error_code ignored;
    for (OutputPipe* output : {&stdout_, &stderr_}) {
      output->pipe.close(ignored);
      output->closed = true;
    }
  }

  void MaybeFinish() {
    if (reaped_ && stdout_.closed && stderr_.closed) Finish(std::move(outcome_));
  }

  void Finish(Result<Outcome> result) {
    if (finished_) return;
    finished_ = true;
    if (!reaped_) KillAndReap();
    timeout_timer_.cancel();
    grace_timer_.cancel();
    CloseInput();
    CloseOutput();
    error_code ignored;
    pidfd_.close(ignored);
    Done done = std::move(done_);
    done_ = nullptr;
    done(std::move(result));
  }

  // Blocks for as long as the kernel takes to kill the child: only on error paths.
  void KillAndReap() {
    killpg(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }

  std::string Describe(std::string_view what) const {
    return std::string(what) + " process " + std::to_string(pid_) + " (" + cmd_.argv[0] + ")";
  }

  Command cmd_;
  Done done_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool finished_ = false;
  std::size_t stdin_written_ = 0;
  Outcome outcome_;
  asio::posix::stream_descriptor pidfd_;
  asio::posix::stream_descriptor stdin_;
  OutputPipe stdout_;
  OutputPipe stderr_;
  asio::steady_timer timeout_timer_;
  asio::steady_timer grace_timer_;
};

}  // namespace

void RunAsync(asio::io_context& io, Command cmd, Done done) {
  Strand strand = asio::make_strand(io);
  asio::post(strand, [strand, cmd = std::move(cmd), done = std::move(done)]() mutable {
    Result<internal::Child> child = internal::Spawn(cmd);
    if (!child.ok()) {
      done(child.status());
      return;
    }
    auto runner = std::make_shared<Runner>(strand, std::move(cmd), std::move(done));
    runner->Start(std::move(*child));
  });
}

}  // namespace cria::process

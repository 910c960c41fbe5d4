// Running a child process without a shell: argv, environment and working directory in;
// exit status, stdout and stderr out; stdin fed from a string; an optional timeout that
// SIGKILLs the child's whole process group.
//
// Run() blocks the calling thread; RunAsync() (libs/process/async_run.h) runs on an
// io_context. Children are watched with a pidfd, never with a SIGCHLD handler, so the
// library is safe inside multi-threaded daemons. It needs SIGCHLD not to be ignored
// (an ignored SIGCHLD makes the kernel reap children before we can read their status).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::process {

struct Command {
  // argv[0] is the program. Without a '/' it is searched in the parent's PATH (absolute
  // entries only) before the child is started; it stays argv[0] as given.
  std::vector<std::string> argv;
  // "NAME=value" entries; nullopt inherits the parent's environment.
  std::optional<std::vector<std::string>> env;
  // The child's working directory; empty inherits the parent's.
  std::string cwd;
  // Written to the child's stdin, which is then closed; stdin is /dev/null when empty.
  // A child that exits or closes stdin without reading it all is not an error.
  std::string stdin_data;
  // 0 means none. On expiry the child's process group (the child and everything it
  // started, unless they moved to another group) gets SIGKILL.
  std::chrono::milliseconds timeout{0};
  // Per stream: output beyond this many bytes is read and discarded, and the stream's
  // `*_truncated` flag is set.
  std::size_t output_limit = 16 << 20;
};

struct Outcome {
  int exit_code = -1;  // when the child exited normally
  int signal = 0;      // when the child was killed by a signal
  bool timed_out = false;
  std::chrono::milliseconds timeout{0};  // the timeout that expired, when timed_out
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string out;
  std::string err;

  // Exited with code 0.
  bool Succeeded() const;
  // "exited with code 3", "killed by signal 15 (SIGTERM)",
  // "killed by signal 9 (SIGKILL) after timeout of 500ms".
  std::string Describe() const;
};

// How long, after the child has exited, output pipes held open by its descendants are
// still read before they are closed and the run completes.
inline constexpr std::chrono::milliseconds kOutputGracePeriod{1000};

// Runs `cmd` to completion on an io_context of its own and blocks the calling thread
// meanwhile (never call it from an io_context or gRPC reactor thread).
//
// A non-OK result means the child could not be started: InvalidArgument for an empty
// argv or a NUL byte in a string, NotFound for a missing program or cwd ("start /no/such:
// ENOENT (No such file or directory)"), PermissionDenied for a program that is not
// executable, ResourceExhausted when out of fds or processes. It is also non-OK, in the
// rare case, when the child's exit status could not be collected (another waiter in the
// process reaped it). A child that runs and fails is an OK result with its Outcome.
[[nodiscard]] Result<Outcome> Run(const Command& cmd);

// The file Run would execute for `name`: `name` itself when it contains a '/', else the
// first executable regular file found in this process's PATH. NotFound names what was
// searched; PermissionDenied when only non-executable files were found.
[[nodiscard]] Result<std::string> FindExecutable(const std::string& name);

// Whether no process has pid `pid` any more (kill(pid, 0) fails with ESRCH); a live one this
// process may not signal counts as there. False for pid <= 0.
bool ProcessGone(pid_t pid);

}  // namespace cria::process

#include "libs/process/spawn.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cria::process::internal {
namespace {

// Used when the parent has no PATH (the usual one for a root daemon).
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The step at which the child failed before execve, sent to the parent with errno.
enum class ChildStep : int32_t { kSetpgid, kRedirectStdio, kChdir, kCloseFds, kExec };

struct ChildError {
  int32_t step;
  int32_t err;
};

// Everything the child uses, prepared before it starts: the child allocates nothing.
struct ChildPlan {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* cwd = nullptr;  // null: inherit
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int report_fd = -1;  // CLOEXEC: closed by a successful execve
  struct sigaction default_action = {};
  sigset_t empty_mask = {};
};

[[noreturn]] void FailInChild(int report_fd, ChildStep step, int err) {
  const ChildError error = {static_cast<int32_t>(step), err};
  // 8 bytes, less than PIPE_BUF: one atomic write. Nothing to do if it fails.
  if (::write(report_fd, &error, sizeof(error)) < 0) {
  }
  _exit(127);
}

// Runs in the child, which shares the daemon's memory until it execs (CLONE_VM):
// async-signal-safe system calls only, nothing written outside its own stack.
[[noreturn]] void RunChild(const ChildPlan& plan) {
  // All signals are blocked (see Spawn). Reset every disposition first so that no
  // parent handler can run here and nothing ignored stays ignored across execve.
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &plan.default_action, nullptr);
  }
  if (setpgid(0, 0) != 0) FailInChild(plan.report_fd, ChildStep::kSetpgid, errno);
  // The sources are all >= 3 (MoveAboveStdio), so these never overwrite one another,
  // and dup2 clears CLOEXEC on the targets.
  if (dup2(plan.stdin_fd, STDIN_FILENO) < 0 || dup2(plan.stdout_fd, STDOUT_FILENO) < 0 ||
      dup2(plan.stderr_fd, STDERR_FILENO) < 0) {
    FailInChild(plan.report_fd, ChildStep::kRedirectStdio, errno);
  }
  if (plan.cwd != nullptr && chdir(plan.cwd) != 0) {
    FailInChild(plan.report_fd, ChildStep::kChdir, errno);
  }
  // Close every other fd, whatever its CLOEXEC flag, except the report pipe.
  const unsigned report = static_cast<unsigned>(plan.report_fd);
  if ((report > 3 && syscall(SYS_close_range, 3U, report - 1, 0U) != 0) ||
      syscall(SYS_close_range, report + 1, ~0U, 0U) != 0) {
    FailInChild(plan.report_fd, ChildStep::kCloseFds, errno);
  }
  sigprocmask(SIG_SETMASK, &plan.empty_mask, nullptr);
  execve(plan.path, plan.argv, plan.envp);
  FailInChild(plan.report_fd, ChildStep::kExec, errno);
}

int ChildEntry(void* plan) { RunChild(*static_cast<const ChildPlan*>(plan)); }

// The child's stack: it must not run on the stack of the parent thread, whose memory it
// shares while that thread waits.
constexpr std::size_t kChildStackSize = 64 * 1024;

Status StepStatus(const ChildError& error, const std::string& path, const std::string& cwd) {
  const std::string start = "start " + path;
  switch (static_cast<ChildStep>(error.step)) {
    case ChildStep::kSetpgid:
      return ErrnoStatus(error.err, start + ": setpgid");
    case ChildStep::kRedirectStdio:
      return ErrnoStatus(error.err, start + ": redirect stdin, stdout and stderr");
    case ChildStep::kChdir:
      return ErrnoStatus(error.err, start + ": chdir " + cwd);
    case ChildStep::kCloseFds:
      return ErrnoStatus(error.err, start + ": close inherited fds");
    case ChildStep::kExec:
      return ErrnoStatus(error.err, start);
  }
  return Status(StatusCode::kInternal, start + ": unknown failure in the child");
}

Result<std::pair<UniqueFd, UniqueFd>> MakePipe(std::string_view what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, what);
  return std::pair(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

// Moves `fd` to a number >= 3, so that the child's dup2 onto 0, 1, 2 cannot clobber it
// (it is < 3 only when the parent runs with some of its stdio closed).
Status MoveAboveStdio(UniqueFd& fd) {
  if (fd.Get() > STDERR_FILENO) return OkStatus();
  const int moved = fcntl(fd.Get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) return ErrnoStatus(errno, "duplicate a pipe fd above 2");
  fd.Reset(moved);
  return OkStatus();
}

Status SetNonBlocking(const UniqueFd& fd) {
  const int flags = fcntl(fd.Get(), F_GETFL);
  if (flags < 0 || fcntl(fd.Get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, "set O_NONBLOCK on a pipe");
  }
  return OkStatus();
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

Status CheckNoNul(const std::vector<std::string>& strings, std::string_view what,
                  const std::string& program) {
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (strings[i].find('\0') != std::string::npos) {
      const std::string where = std::string(what) + "[" + std::to_string(i) + "]";
      return Status(StatusCode::kInvalidArgument,
                    "start " + program + ": " + where + " contains a NUL byte");
    }
  }
  return OkStatus();
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

Result<std::string> FindExecutable(const std::string& name, const char* path_env) {
  if (name.find('/') != std::string::npos) return name;
  const std::string_view path =
      path_env != nullptr && *path_env != '\0' ? path_env : std::string_view(kDefaultPath);
  int err = ENOENT;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find(':', begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view dir = path.substr(begin, end - begin);
    begin = end + 1;
    // Relative entries (and "", which means ".") would make the result depend on the
    // daemon's working directory: skipped.
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate(dir);
    if (candidate.back() != '/') candidate += '/';
    candidate += name;
    struct stat st;
    if (stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    err = EACCES;
  }
  return ErrnoStatus(err, "start " + name + ": search PATH " + std::string(path));
}

Result<Child> Spawn(const Command& cmd) {
  if (cmd.argv.empty()) return Status(StatusCode::kInvalidArgument, "start process: empty argv");
  const std::string& program = cmd.argv[0];
  if (program.empty()) {
    return Status(StatusCode::kInvalidArgument, "start process: argv[0] is empty");
  }
  CRIA_RETURN_IF_ERROR(CheckNoNul(cmd.argv, "argv", program), "");
  if (cmd.env.has_value()) CRIA_RETURN_IF_ERROR(CheckNoNul(*cmd.env, "env", program), "");
  if (cmd.cwd.find('\0') != std::string::npos) {
    return Status(StatusCode::kInvalidArgument, "start " + program + ": cwd contains a NUL byte");
  }
  Result<std::string> found = FindExecutable(program, getenv("PATH"));
  if (!found.ok()) return found.status();
  const std::string& path = *found;
  const std::string context = "start " + path;

  Child child;
  UniqueFd child_stdin;
  if (cmd.stdin_data.empty()) {
    child_stdin.Reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!child_stdin.Valid()) return ErrnoStatus(errno, context + ": open /dev/null");
  } else {
    CRIA_ASSIGN_OR_RETURN(auto stdin_pipe, MakePipe("create stdin pipe"), context);
    child_stdin = std::move(stdin_pipe.first);
    child.stdin_pipe = std::move(stdin_pipe.second);
  }
  CRIA_ASSIGN_OR_RETURN(auto stdout_pipe, MakePipe("create stdout pipe"), context);
  CRIA_ASSIGN_OR_RETURN(auto stderr_pipe, MakePipe("create stderr pipe"), context);
  CRIA_ASSIGN_OR_RETURN(auto report_pipe, MakePipe("create exec report pipe"), context);
  child.stdout_pipe = std::move(stdout_pipe.first);
  child.stderr_pipe = std::move(stderr_pipe.first);
  UniqueFd child_stdout = std::move(stdout_pipe.second);
  UniqueFd child_stderr = std::move(stderr_pipe.second);
  UniqueFd report_read = std::move(report_pipe.first);
  UniqueFd report_write = std::move(report_pipe.second);
  for (UniqueFd* fd : {&child_stdin, &child_stdout, &child_stderr, &report_write}) {
    CRIA_RETURN_IF_ERROR(MoveAboveStdio(*fd), context);
  }
  for (const UniqueFd* fd : {&child.stdin_pipe, &child.stdout_pipe, &child.stderr_pipe}) {
    if (fd->Valid()) CRIA_RETURN_IF_ERROR(SetNonBlocking(*fd), context);
  }

  const std::vector<char*> argv = CStrings(cmd.argv);
  std::vector<char*> envp;
  if (cmd.env.has_value()) envp = CStrings(*cmd.env);
  ChildPlan plan;
  plan.path = path.c_str();
  plan.argv = argv.data();
  plan.envp = cmd.env.has_value() ? envp.data() : environ;
  plan.cwd = cmd.cwd.empty() ? nullptr : cmd.cwd.c_str();
  plan.stdin_fd = child_stdin.Get();
  plan.stdout_fd = child_stdout.Get();
  plan.stderr_fd = child_stderr.Get();
  plan.report_fd = report_write.Get();
  plan.default_action.sa_handler = SIG_DFL;
  sigemptyset(&plan.default_action.sa_mask);
  sigemptyset(&plan.empty_mask);

  void* stack = mmap(nullptr, kChildStackSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return ErrnoStatus(errno, context + ": map the child's stack");
  // With every signal blocked, no handler of ours runs in the child before it has reset
  // the dispositions.
  sigset_t all_signals;
  sigfillset(&all_signals);
  sigset_t old_mask;
  pthread_sigmask(SIG_SETMASK, &all_signals, &old_mask);
  // As posix_spawn does: the child borrows the daemon's memory instead of copying its page
  // tables (a fork would also make every page of the daemon copy-on-write until the child
  // execs), and this thread waits until the child has exec'd or exited.
  const pid_t pid = clone(ChildEntry, static_cast<char*>(stack) + kChildStackSize,
                          CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  const int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  munmap(stack, kChildStackSize);
  if (pid < 0) return ErrnoStatus(clone_errno, context + ": clone");

  child_stdin.Reset();
  child_stdout.Reset();
  child_stderr.Reset();
  report_write.Reset();
  ChildError error;
  ssize_t n;
  do {
    n = read(report_read.Get(), &error, sizeof(error));
  } while (n < 0 && errno == EINTR);
  const int read_errno = errno;
  if (n == sizeof(error)) {  // the child failed before or at execve and has exited
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return StepStatus(error, path, cmd.cwd);
  }
  if (n != 0) {
    KillAndReap(pid);
    if (n < 0) return ErrnoStatus(read_errno, context + ": read the exec report pipe");
    return Status(StatusCode::kInternal, context + ": short read from the exec report pipe");
  }

  // The child exec'd. It cannot be reaped by anyone but us, so its pid is still its own.
  const long pidfd = syscall(SYS_pidfd_open, pid, 0U);  // always CLOEXEC
  if (pidfd < 0) {
    const int pidfd_errno = errno;
    KillAndReap(pid);
    return ErrnoStatus(pidfd_errno, context + ": pidfd_open");
  }
  child.pid = pid;
  child.pidfd.Reset(static_cast<int>(pidfd));
  return child;
}

}  // namespace cria::process::internal

#include "services/runtime/oci/conmon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <thread>

#include "libs/fd/unique_fd.h"
#include "libs/records/small_file.h"
#include "rapidjson/document.h"
#include "services/runtime/oci/runtime_cli.h"

extern char** environ;

namespace cria::runtime::oci {
namespace {

using Clock = std::chrono::steady_clock;

// Reads what conmon writes on the sync pipe until EOF or the deadline.
Result<std::string> ReadUntilEof(int fd, Clock::time_point deadline, const std::string& what) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return Status(StatusCode::kDeadlineExceeded, what + ": conmon did not report in time");
    }
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ErrnoStatus(errno, what + ": poll the conmon sync pipe");
    if (r == 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, what + ": read the conmon sync pipe");
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    // One message is all API version 1 sends on create.
    if (out.find('}') != std::string::npos) return out;
  }
}

Status WriteSmall(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  ssize_t n = ::write(fd, data.data(), data.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(data.size())) return ErrnoStatus(err, "write " + path);
  return OkStatus();
}

// Writes `pid` to each cgroup.procs file in turn; the first failure ends it.
Status MoveToCgroups(const std::vector<std::string>& cgroup_procs, pid_t pid) {
  for (const std::string& procs : cgroup_procs) {
    CRIA_RETURN_IF_ERROR(WriteSmall(procs, std::to_string(pid)), "");
  }
  return OkStatus();
}

// conmon's own log, for an error message.
std::string LogText(const std::string& path) {
  Result<std::string> text = records::ReadSmallFile(path, 64 << 10);
  return text.ok() ? *text : MessageOf(text.status());
}

}  // namespace

Result<ConmonStarted> CreateWithConmon(const ConmonRequest& r) {
  const std::string what = "create container " + r.container_id + " with conmon";
  int sync[2], start[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return ErrnoStatus(errno, what + ": pipe");
  UniqueFd sync_read(sync[0]), sync_write(sync[1]);
  if (::pipe2(start, O_CLOEXEC) != 0) return ErrnoStatus(errno, what + ": pipe");
  UniqueFd start_read(start[0]), start_write(start[1]);
  // The child's fds 3 and 4 are made by dup2 from these: keep them clear of 3 and 4.
  for (UniqueFd* fd : {&sync_write, &start_read}) {
    if (fd->Get() <= 4) fd->Reset(::fcntl(fd->Get(), F_DUPFD_CLOEXEC, 10));
  }

  std::vector<std::string> args = {r.conmon,
                                   "--api-version",
                                   "1",
                                   "-c",
                                   r.container_id,
                                   "-u",
                                   r.container_id,
                                   "-n",
                                   r.name,
                                   "-r",
                                   r.runtime,
                                   "-b",
                                   r.bundle,
                                   "-p",
                                   r.bundle + "/pidfile",
                                   "-P",
                                   r.conmon_pidfile,
                                   "--persist-dir",
                                   r.bundle,
                                   "--exit-dir",
                                   r.exit_dir,
                                   "--socket-dir-path",
                                   r.socket_dir,
                                   "-l",
                                   "k8s-file:" + r.log_path,
                                   "--log-level",
                                   "warn",
                                   "--runtime-arg",
                                   "--root=" + r.runtime_root};
  if (r.systemd_cgroup) args.push_back("-s");
  if (r.terminal) {
    args.push_back("-t");
  } else if (r.stdin) {
    args.push_back("-i");
  }
  if (r.stdin && !r.stdin_once) args.push_back("--leave-stdin-open");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = {"_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4",
                                  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
                                  "/bin"};
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const std::string conmon_log = r.bundle + "/conmon.log";
  // The monitor's pid is read from this file below: none may be left from before.
  ::unlink(r.conmon_pidfile.c_str());
  posix_spawn_file_actions_addopen(&actions, 2, conmon_log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0600);
  // dup2 clears O_CLOEXEC on the copies the child keeps.
  posix_spawn_file_actions_adddup2(&actions, sync_write.Get(), 3);
  posix_spawn_file_actions_adddup2(&actions, start_read.Get(), 4);
  // Nothing else of cria-runtime's: conmon closes only some of what it inherits, and its
  // monitor would hold the rest (a starter's pipe, say) open for the container's life.
  posix_spawn_file_actions_addclosefrom_np(&actions, 5);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session-less process group: a signal to cria-runtime's group never reaches it.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, r.conmon.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoStatus(rc, what + ": start " + r.conmon);
  sync_write.Reset();
  start_read.Reset();

  // Go: conmon forks its monitor, writes the monitor's pid file, and the first process
  // exits; the monitor runs `<runtime> create`.
  char go = 0;
  if (::write(start_write.Get(), &go, 1) != 1) {
    const int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return ErrnoStatus(err, what + ": signal conmon to start");
  }
  start_write.Reset();
  // conmon forks its monitor about 2 ms from now. Moving the first process already makes the
  // monitor born in conmon's cgroup, mostly, and starts the wait for an RCU grace period a
  // cgroup migration after a quiet spell needs (5-15 ms here) that much earlier: the
  // runtime's own migration of the container, later, waits for it too. Best effort: the
  // process may be gone already; the monitor is moved below in any case.
  (void)MoveToCgroups(r.conmon_cgroup_procs, pid);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  const pid_t monitor = ReadPidFile(r.conmon_pidfile);
  if (monitor <= 0) {
    return Status(StatusCode::kInternal, what + ": conmon started no monitor (exit status " +
                                             std::to_string(wstatus) + "): " + LogText(conmon_log));
  }
  // The monitor leaves cria-runtime's cgroup while the runtime starts up: a cgroup
  // migration can wait for an RCU grace period (milliseconds), which then overlaps the
  // runtime's own start instead of preceding it. The runtime places the container itself.
  const Status moved = MoveToCgroups(r.conmon_cgroup_procs, monitor);
  // Read even when the move failed: the runtime's create has then finished, and what it
  // made can be deleted.
  Result<std::string> message = ReadUntilEof(sync_read.Get(), Clock::now() + r.timeout, what);
  auto abandon = [&] {
    ::kill(monitor, SIGKILL);
    (void)RuntimeCli(r.runtime, r.runtime_root).Delete(r.container_id, /*force=*/true);
  };
  if (!message.ok()) {
    abandon();
    return message.status();
  }
  rapidjson::Document doc;
  doc.Parse(message->c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") || !doc["data"].IsInt()) {
    abandon();
    return Status(StatusCode::kInternal, what + ": conmon reported no container pid (" + *message +
                                             "): " + LogText(conmon_log));
  }
  int data = doc["data"].GetInt();
  if (data <= 0) {
    std::string detail = doc.HasMember("message") && doc["message"].IsString()
                             ? doc["message"].GetString()
                             : "no message";
    // conmon exits after a failed create, possibly before the move reached it; nothing is
    // left running, and the runtime's reason is the one to report.
    return Status(StatusCode::kFailedPrecondition, what + ": " + detail);
  }
  if (!moved.ok()) {
    abandon();
    return Annotate(moved, what + ": move conmon out of cria-runtime's cgroup");
  }
  ConmonStarted started;
  started.container_pid = data;
  started.conmon_pid = monitor;
  return started;
}

Status ReopenLog(const std::string& bundle, const std::string& log_path) {
  CRIA_RETURN_IF_ERROR(WriteSmall(bundle + "/ctl", "2 0 0\n"), "reopen the log");
  for (int i = 0; i < 100; ++i) {
    if (::access(log_path.c_str(), F_OK) == 0) return OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status(StatusCode::kDeadlineExceeded, "conmon did not reopen " + log_path + " within 5 s");
}

Status ResizeTerminal(const std::string& bundle, int height, int width) {
  return WriteSmall(bundle + "/ctl",
                    "1 " + std::to_string(height) + " " + std::to_string(width) + "\n");
}

pid_t ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

Result<int> ReadExitCode(const std::string& exit_dir, const std::string& id) {
  const std::string path = exit_dir + "/" + id;
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "no exit file " + path);
  int code = 0;
  if (!(in >> code)) return Status(StatusCode::kDataLoss, "exit file " + path + " is not a number");
  return code;
}

}  // namespace cria::runtime::oci

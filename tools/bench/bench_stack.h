// Benchmark support: a temporary root that leaves nothing behind (mounts under it are
// detached before it is removed) and the built cria daemons started as children in it,
// the way tests/support/stack.h starts them for the integration tests, but from
// bazel-bin and without a test framework. Used by the pull benchmarks.
#pragma once

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"

namespace cria::bench {

// Mount points at or below `dir` (from /proc/self/mountinfo), deepest first.
std::vector<std::string> MountsUnder(const std::string& dir);

// Detaches every mount at or below `dir`; returns the mount points still there after.
std::vector<std::string> UnmountUnder(const std::string& dir);

// rm -rf `path`, never crossing into another filesystem. True when it is gone.
bool RemoveTree(const std::string& path);

// A channel to a daemon's unix socket with a subchannel of its own (not gRPC's global
// pool, where a connection attempt made before the daemon listened would hold the next
// channels in reconnect backoff) and reconnect backoff capped at 200 ms, as
// tests/support/stack.h has it.
std::shared_ptr<grpc::Channel> FreshChannel(const std::string& socket);

// An empty directory (mkdir, after removing what was there).
Status FreshDir(const std::string& path);

// The last `lines` lines of a file, each indented by two spaces, for error messages.
std::string FileTail(const std::string& path, int lines);

// Starts `argv` (argv[0] a path) as a child with stdin on /dev/null and stdout and stderr
// appended to `log`, no signal blocked and every signal at its default; `env` nullopt
// inherits ours. `new_session`: a session of its own, so a ^C at the terminal reaches only
// the benchmark, which then stops the child in order. Its pid.
Result<pid_t> SpawnLogged(const std::vector<std::string>& argv,
                          const std::optional<std::vector<std::string>>& env,
                          const std::string& log, bool new_session);

// A fresh directory "<prefix>XXXXXX"; on destruction whatever is mounted below it is
// detached and the tree removed.
class TempRoot {
 public:
  explicit TempRoot(const std::string& prefix);
  ~TempRoot();
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  // Leaves the tree in place at destruction (mounts are still detached), for a look at the
  // daemons' logs and state.
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

// SIGINT and SIGTERM make every daemon a DaemonStack started get SIGTERM (so a pull in
// flight fails at once) and Interrupted() return true; the benchmark then unwinds and
// cleans up as on any failure. SIGPIPE is ignored, so a closed stdout does not skip that.
void InstallInterruptHandler();
bool Interrupted();

// Daemons ("storage", "image", "gateway", ...) run from `bin_dir`/services/<d>/cria-<d>
// with --state-dir `root`/state, --run-dir `root`/run and the config `root`/cria.yaml;
// each logs to `root`/<d>.log.
class DaemonStack {
 public:
  DaemonStack(std::string root, std::string bin_dir);
  ~DaemonStack();  // Stop()
  DaemonStack(const DaemonStack&) = delete;
  DaemonStack& operator=(const DaemonStack&) = delete;

  // Writes the config file the daemons get (YAML); call before Start.
  Status WriteConfig(const std::string& yaml);
  // Starts the daemon and waits (at most 20 s) until its health service answers.
  Status Start(const std::string& daemon);
  // SIGTERM to each daemon, newest first, and waits for it (SIGKILL after 20 s).
  void Stop();

  pid_t Pid(const std::string& daemon) const;
  std::string Socket(const std::string& daemon) const;
  std::string LogPath(const std::string& daemon) const { return root_ + "/" + daemon + ".log"; }
  // The last `lines` lines of the daemon's log, for error messages.
  std::string LogTail(const std::string& daemon, int lines = 20) const;
  const std::string& root() const { return root_; }
  std::string state_dir() const { return root_ + "/state"; }
  std::string run_dir() const { return root_ + "/run"; }

 private:
  std::string root_, bin_dir_;
  std::vector<std::pair<std::string, pid_t>> running_;
};

}  // namespace cria::bench

// Test support: the real cria daemons started as child processes in a temporary
// state/run root, each with its log in that root, stopped and removed afterwards.
#pragma once

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cria::testing {

// A channel to a daemon's socket for tests: its own subchannel pool and reconnect backoff
// capped at 200 ms, so a daemon the test restarts is reached again at once (gRPC's
// default backoff grows to two minutes and is shared by every channel to the path).
std::shared_ptr<grpc::Channel> TestChannel(const std::string& socket);

// Where the built binaries are, relative to the test's runfiles directory ("gateway",
// "criactl"; the helpers "cria-pinns" and "cria-pause" as absolute paths, for configs).
std::string BinaryPath(const std::string& name);

// A child process started with posix_spawn; stdout and stderr go to `log_path`.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  void Start(const std::vector<std::string>& argv, const std::string& log_path);
  bool Running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Sends `sig` and reaps the child; returns its wait status. SIGKILL after `grace`.
  int Stop(int sig, std::chrono::milliseconds grace = std::chrono::milliseconds(10000));
  // Waits for the child to exit on its own (at most `limit`); returns the wait status
  // or -1 on time-out.
  int Wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
};

// Runs a command to completion; returns {wait status, stdout+stderr}.
struct CommandResult {
  int exit_code = -1;
  std::string output;
  std::string error;
};
CommandResult RunCommand(const std::vector<std::string>& argv);

class Stack {
 public:
  Stack();   // makes the temp root; starts nothing
  ~Stack();  // stops every daemon, removes the root

  // "gateway", "image", "storage", "network", "runtime".
  static const std::vector<std::string>& Daemons();

  // Starts one daemon and waits (at most 10 s) until its health service answers.
  void Start(const std::string& daemon);
  void StartAll();
  // SIGKILL, as a crash would.
  void Kill(const std::string& daemon);
  // SIGTERM; returns the wait status.
  int Terminate(const std::string& daemon);
  pid_t Pid(const std::string& daemon) const;

  std::string Socket(const std::string& daemon) const;
  std::string CriEndpoint() const { return "unix://" + Socket("gateway"); }
  std::string Log(const std::string& daemon) const;
  const std::string& root() const { return root_; }
  const std::string& run_dir() const { return run_dir_; }
  const std::string& state_dir() const { return state_dir_; }

  // The flags every daemon of this stack gets: temp roots and the stack's own config
  // file, never the host's.
  std::vector<std::string> CommonFlags() const;
  // Replaces the stack's config file (YAML) before daemons start. By default it points
  // the CNI config dir at <root>/net.d (empty) and the plugin dirs at <root>/plugins
  // then /usr/lib/cni.
  void WriteConfig(const std::string& yaml);
  // What the pod and container tests run on: CNI network `network` (a `bridge` plugin on
  // bridge `bridge`, host-local IPAM of `subnet` in <root>/ipam, then loopback) written to
  // <net.d>/10-test.conflist, and a config with the plugins of /usr/lib/cni and the
  // build's cria-pinns and cria-pause; `runtime_yaml` adds keys ("  key: value\n" lines) to
  // the runtime section.
  void WritePodNetworkConfig(const std::string& network, const std::string& bridge,
                             const std::string& subnet, const std::string& runtime_yaml = "");
  std::string CniConfigDir() const { return root_ + "/net.d"; }
  std::string PluginDir() const { return root_ + "/plugins"; }

 private:
  std::string root_, run_dir_, state_dir_, config_file_;
  std::map<std::string, ChildProcess> children_;
};

}  // namespace cria::testing

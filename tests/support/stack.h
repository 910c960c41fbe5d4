// Test support: the real cria daemons started as child processes in a temporary
// state/run root, each with its log in that root, stopped and removed afterwards.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace cria::testing {

// Where the built binaries are, relative to the test's runfiles directory.
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

  // The flags every daemon of this stack gets: temp roots, no host config.
  std::vector<std::string> CommonFlags() const;

 private:
  std::string root_, run_dir_, state_dir_;
  std::map<std::string, ChildProcess> children_;
};

}  // namespace cria::testing

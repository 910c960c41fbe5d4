// The OCI runtime command line (runc, crun: the same CLI) for one runtime handler: state,
// start, kill, delete, update and exec of containers under the handler's root directory.
// Every call has a timeout; errors name the runtime, the verb, the container and what the
// runtime printed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "libs/process/process.h"
#include "libs/status/status.h"

namespace cria::runtime::oci {

struct RuntimeState {
  std::string status;  // "creating", "created", "running", "paused", "stopped"
  pid_t pid = 0;       // the container's init, 0 once stopped
};

class RuntimeCli {
 public:
  // `path`: the runtime binary; `root`: its state dir (--root), one per handler.
  RuntimeCli(std::string path, std::string root,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));

  const std::string& path() const { return path_; }
  const std::string& root() const { return root_; }

  // NotFound when the runtime does not know the container.
  Result<RuntimeState> State(const std::string& id) const;
  Status Start(const std::string& id) const;
  // `all`: signal every process of the container (runc kill --all).
  Status Kill(const std::string& id, int signal, bool all = false) const;
  // `force` kills a running container first. A container the runtime does not know is OK.
  Status Delete(const std::string& id, bool force) const;
  // Applies linux.resources JSON (runc update --resources -).
  Status Update(const std::string& id, const std::string& resources_json) const;
  // Runs the process `process_json` describes (oci/exec_process.h) in the container and
  // waits at most `timeout` (0: none), then kills it. Its process file and pid file are
  // made in `work_dir` (the container's bundle) and removed afterwards. A process that runs
  // is an OK result with its outcome (exit code, output capped at `output_limit` per
  // stream).
  Result<process::Outcome> Exec(const std::string& id, const std::string& process_json,
                                const std::string& work_dir, std::chrono::milliseconds timeout,
                                size_t output_limit) const;

 private:
  Result<process::Outcome> Call(const std::vector<std::string>& args,
                                const std::string& stdin_data = "") const;
  Status Check(const Result<process::Outcome>& outcome, const std::string& what) const;

  std::string path_, root_;
  std::chrono::milliseconds timeout_;
};

}  // namespace cria::runtime::oci

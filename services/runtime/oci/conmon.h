// Creating a container under conmon (Debian's conmon 2.1, API version 1): conmon runs
// `<runtime> create`, holds the container's stdio, writes the CRI log file and, when the
// container exits, its exit code to <exit_dir>/<id>. Starting it is then `runtime start`.
//
// The handshake, as CRI-O does it: conmon gets a sync pipe (fd 3, _OCI_SYNCPIPE) on which
// it reports the container's pid or the runtime's error as JSON, and a start pipe (fd 4,
// _OCI_STARTPIPE) it waits on before forking its monitor. The monitor is moved out of
// cria-runtime's cgroup (DESIGN.md section 4) while the runtime creates the container: a
// restart of cria-runtime then never touches conmon or the container.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::oci {

struct ConmonRequest {
  std::string conmon;        // the conmon binary
  std::string runtime;       // the OCI runtime binary
  std::string runtime_root;  // its --root
  std::string container_id;
  std::string name;            // for conmon's own logs
  std::string bundle;          // holds config.json; conmon writes pidfile, ctl, winsz here
  std::string exit_dir;        // <exit_dir>/<id> gets the exit code
  std::string log_path;        // the CRI log file (k8s-file format)
  std::string socket_dir;      // attach sockets: <socket_dir>/<id>/attach
  std::string conmon_pidfile;  // conmon's own pid, for recovery
  bool terminal = false;
  bool stdin = false;
  bool stdin_once = false;
  bool systemd_cgroup = false;
  // cgroup.procs files conmon's monitor is moved into; none: it stays where it is.
  std::vector<std::string> conmon_cgroup_procs;
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct ConmonStarted {
  pid_t container_pid = 0;
  pid_t conmon_pid = 0;
};

// Starts conmon and waits until the runtime has created the container (state
// "created"). On failure nothing is left: conmon is killed and whatever the runtime
// created is deleted; the runtime's own error (e.g. the command does not exist) is in the
// message.
Result<ConmonStarted> CreateWithConmon(const ConmonRequest& request);

// Asks conmon to reopen the log file (after the kubelet rotated it) and waits (up to 5 s)
// until `log_path` exists again: conmon reopens asynchronously, and a caller (the kubelet's
// rotation, as with CRI-O) goes on with the new file right after.
Status ReopenLog(const std::string& bundle, const std::string& log_path);
// Sets the terminal size of a tty container.
Status ResizeTerminal(const std::string& bundle, int height, int width);

// The pid in a pid file conmon wrote (-P, -p), 0 when there is none.
pid_t ReadPidFile(const std::string& path);
// The exit code conmon wrote for `id`, or NotFound while the container runs.
Result<int> ReadExitCode(const std::string& exit_dir, const std::string& id);

}  // namespace cria::runtime::oci

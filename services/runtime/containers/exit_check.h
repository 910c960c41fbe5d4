// Whether a running container has exited, from conmon's exit file and conmon itself. Read
// for every running container on each ListContainers and ContainerStatus, so it is split
// in two: CheckExit reads the files with no lock held, ApplyExit changes the record under
// the container manager's lock.
#pragma once

#include <cstdint>
#include <string>

#include "services/runtime/containers/container_record.h"

namespace cria::runtime::containers {

struct ExitCheck {
  enum class Outcome {
    kRunning,  // no exit file, conmon alive
    kExited,   // the exit file is there
    kLost,     // no exit file and conmon gone: nobody can tell how it ended
    // No exit file and conmon gone, but the container's processes still run: nothing
    // watches them, and nothing will write their exit (StopContainer kills them).
    kUnmonitored,
  };
  Outcome outcome = Outcome::kRunning;
  int exit_code = 0;
  int64_t finished_unix_nano = 0;  // the exit file's mtime
  bool oom_killed = false;         // the container's memory cgroup counted an OOM kill
};

// Whether the record's state can change by itself (RUNNING or UNKNOWN).
bool MayHaveExited(const ContainerRecord& record);

// Reads `<exit_dir>/<id>`, and when there is none, whether conmon is still alive and, when
// it is not, whether the container's cgroup still has processes.
ExitCheck CheckExit(const std::string& exit_dir, const ContainerRecord& record);

// Brings `record` up to date with `check` (EXITED with its code, time and reason, or
// UNKNOWN). True when the record changed in a way worth persisting (an exit).
bool ApplyExit(const ExitCheck& check, ContainerRecord& record);

// An exit nobody saw (its conmon gone, or the node restarted): EXITED with exit code 255,
// reason Unknown and `message`, finished now, as containerd records a container whose shim
// is gone.
void RecordUnknownExit(ContainerRecord& record, const std::string& message);

}  // namespace cria::runtime::containers

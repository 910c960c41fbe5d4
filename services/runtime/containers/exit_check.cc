#include "services/runtime/containers/exit_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "libs/clock/unix_time.h"
#include "libs/process/process.h"
#include "services/runtime/oci/conmon.h"
#include "services/runtime/spec/cgroup_path.h"

namespace cria::runtime::containers {
namespace {

int64_t MtimeUnixNano(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return UnixNanosNow();
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Whether the container's memory cgroup saw an OOM kill (cgroup v1 memory.oom_control or
// v2 memory.events). Read before the runtime deletes the cgroup.
bool OomKilled(const std::string& cgroups_path) {
  if (cgroups_path.empty()) return false;
  Result<std::string> dir = spec::CgroupDirOf(cgroups_path);
  if (!dir.ok()) return false;
  const std::string& rel = *dir;
  for (const std::string& file : {"/sys/fs/cgroup/memory" + rel + "/memory.oom_control",
                                  "/sys/fs/cgroup" + rel + "/memory.events"}) {
    std::ifstream in(file);
    std::string key;
    long value = 0;
    while (in >> key >> value) {
      if (key == "oom_kill" && value > 0) return true;
    }
  }
  return false;
}

// Whether the container's cgroup (v1 pids or memory controller, or v2) lists a process;
// without a cgroup to read, whether its first process is alive.
bool ProcessesLeft(const ContainerRecord& r) {
  if (Result<std::string> dir = spec::CgroupDirOf(r.cgroups_path);
      !r.cgroups_path.empty() && dir.ok()) {
    for (const std::string& root :
         {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory", "/sys/fs/cgroup"}) {
      std::ifstream procs(root + *dir + "/cgroup.procs");
      if (!procs) continue;
      pid_t pid = 0;
      return static_cast<bool>(procs >> pid);
    }
  }
  return r.pid > 0 && !process::ProcessGone(r.pid);
}

}  // namespace

bool MayHaveExited(const ContainerRecord& record) {
  return record.state == ContainerState::kRunning || record.state == ContainerState::kUnknown;
}

ExitCheck CheckExit(const std::string& exit_dir, const ContainerRecord& r) {
  ExitCheck check;
  const std::string file = exit_dir + "/" + r.id;
  // access(2) first: the usual answer is "no file", and it is the cheapest way to get it.
  Result<int> code = Status(StatusCode::kNotFound, "no exit file " + file);
  if (::access(file.c_str(), F_OK) == 0) code = oci::ReadExitCode(exit_dir, r.id);
  if (!code.ok()) {
    // No exit file: running, or exited a moment ago (conmon writes the file after it has
    // reaped the process). Lost only when conmon is gone too and the file is still not
    // there; conmon's pid, not the container's, tells.
    const pid_t conmon =
        r.conmon_pid > 0 ? r.conmon_pid : oci::ReadPidFile(r.bundle + "/conmon.pid");
    if (!process::ProcessGone(conmon > 0 ? conmon : r.pid)) return check;
    code = oci::ReadExitCode(exit_dir, r.id);
    if (!code.ok()) {
      check.outcome =
          ProcessesLeft(r) ? ExitCheck::Outcome::kUnmonitored : ExitCheck::Outcome::kLost;
      return check;
    }
  }
  check.outcome = ExitCheck::Outcome::kExited;
  check.exit_code = *code;
  check.finished_unix_nano = MtimeUnixNano(file);
  check.oom_killed = OomKilled(r.cgroups_path);
  return check;
}

bool ApplyExit(const ExitCheck& check, ContainerRecord& r) {
  switch (check.outcome) {
    case ExitCheck::Outcome::kRunning:
      return false;
    case ExitCheck::Outcome::kLost:
      r.state = ContainerState::kUnknown;
      r.reason = "Unknown";
      r.message = "the container's process and its conmon are gone without an exit code";
      return false;
    case ExitCheck::Outcome::kUnmonitored:
      r.state = ContainerState::kUnknown;
      r.reason = "Unknown";
      r.message =
          "its conmon is gone while the container's processes still run, unmonitored "
          "(StopContainer kills them)";
      return false;
    case ExitCheck::Outcome::kExited:
      break;
  }
  r.state = ContainerState::kExited;
  r.exit_code = check.exit_code;
  // File times come from the kernel's coarse clock, which may lag the one started_at was
  // read from by a tick: never report an exit before the start.
  r.finished_unix_nano = std::max(check.finished_unix_nano, r.started_unix_nano);
  r.reason = check.oom_killed ? "OOMKilled" : (check.exit_code == 0 ? "Completed" : "Error");
  r.pid = 0;
  return true;
}

void RecordUnknownExit(ContainerRecord& r, const std::string& message) {
  r.state = ContainerState::kExited;
  r.exit_code = 255;
  r.reason = "Unknown";
  r.message = message;
  r.finished_unix_nano = std::max(UnixNanosNow(), r.started_unix_nano);
  r.pid = 0;
}

}  // namespace cria::runtime::containers

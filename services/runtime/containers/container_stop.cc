// StopContainer and RemoveContainer, and the stop and removal of every container of a
// pod.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/log/log.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/containers/exit_check.h"
#include "services/runtime/containers/signals.h"
#include "services/runtime/oci/conmon.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

}  // namespace

Status ContainerManager::Stop(const std::string& id, int64_t timeout_seconds) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> container_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "StopContainer");
  if (record.state == ContainerState::kUnknown) return StopUnmonitored(std::move(record));
  if (record.state != ContainerState::kRunning) return OkStatus();
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler), "StopContainer");
  int signal = SIGTERM;
  if (record.config.stop_signal() != ::runtime::v1::RUNTIME_DEFAULT) {
    // Checked at CreateContainer; a record from before that check must still stop.
    Result<int> parsed = ParseSignal(::runtime::v1::Signal_Name(record.config.stop_signal()));
    if (parsed.ok()) {
      signal = *parsed;
    } else {
      log::Warn("unknown stop signal, sending SIGTERM",
                {{"container", id}, {"error", parsed.status()}});
    }
  } else if (!record.stop_signal.empty()) {
    Result<int> parsed = ParseSignal(record.stop_signal);
    if (parsed.ok()) signal = *parsed;
  }
  auto exited = [&](std::chrono::milliseconds within) { return exits_.Wait(id, within).ok(); };
  bool gone = false;
  if (timeout_seconds > 0) {
    Status s = cli.Kill(id, signal);
    if (!s.ok()) log::Warn("stop signal not sent", {{"container", id}, {"error", s}});
    gone = exited(std::chrono::seconds(timeout_seconds));
    if (!gone) log::Info("container ignored its stop signal, killing it", {{"container", id}});
  }
  if (!gone && !oci::ReadExitCode(ExitDir(), id).ok()) {
    CRIA_RETURN_IF_ERROR(cli.Kill(id, SIGKILL, true), "StopContainer");
    if (!exited(30s)) {
      return Status(StatusCode::kDeadlineExceeded,
                    "StopContainer " + id + ": still running 30 s after SIGKILL");
    }
  }
  // Records the exit.
  return Annotate(Get(id).status(), "StopContainer");
}

// Its conmon is gone, so no exit file will come: the runtime kills every process left in
// the container (the kubelet stops an UNKNOWN container so that it can start another), the
// cgroup is watched until it is empty, and the exit is recorded as unknown.
Status ContainerManager::StopUnmonitored(ContainerRecord record) {
  const std::string what = "StopContainer " + record.id;
  bool killed = false;
  if (CheckExit(ExitDir(), record).outcome == ExitCheck::Outcome::kUnmonitored) {
    CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler), what);
    Status kill = cli.Kill(record.id, SIGKILL, true);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (CheckExit(ExitDir(), record).outcome == ExitCheck::Outcome::kUnmonitored) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status(StatusCode::kDeadlineExceeded,
                      what + ": its processes still run 30 s after SIGKILL, with no conmon" +
                          (kill.ok() ? std::string() : " (" + MessageOf(kill) + ")"));
      }
      std::this_thread::sleep_for(20ms);
    }
    killed = true;
    log::Info("killed a container whose conmon was gone", {{"container", record.id}});
  }
  RecordUnknownExit(record, killed ? "its conmon was gone; StopContainer killed the processes "
                                     "left, whose exit code nobody could read"
                                   : "the container's process and its conmon were gone "
                                     "without an exit code");
  return Annotate(Persist(record), what);
}

Status ContainerManager::Remove(const std::string& id) {
  Result<ContainerRecord> found = Get(id);
  if (!found.ok()) return OkStatus();  // removing a removed container is fine (CRI)
  if (MayHaveExited(*found)) {
    // NotFound: a concurrent removal finished first, which is as good.
    Status stopped = Stop(id, 0);
    if (stopped.code() == StatusCode::kNotFound) return OkStatus();
    CRIA_RETURN_IF_ERROR(stopped, "RemoveContainer");
  }
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> container_lock(*holder);
  Result<ContainerRecord> current = Get(id);
  if (current.status().code() == StatusCode::kNotFound) return OkStatus();  // as above
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, std::move(current), "RemoveContainer");
  if (Result<oci::RuntimeCli> cli = RuntimeFor(record.handler); cli.ok()) {
    CRIA_RETURN_IF_ERROR(cli->Delete(id, true), "RemoveContainer");
  }
  CRIA_RETURN_IF_ERROR(storage_.Remove(id), "RemoveContainer");
  CRIA_RETURN_IF_ERROR(RemoveImageVolumes(record), "RemoveContainer " + id);
  std::error_code ec;
  fs::remove_all(record.bundle, ec);
  fs::remove_all(VolumesDir(id), ec);
  ::unlink((ExitDir() + "/" + id).c_str());
  // conmon's link from the attach dir to the bundle (short socket paths).
  ::unlink((options_.run_dir + "/attach/" + id).c_str());
  std::lock_guard<std::mutex> lock(mu_);
  CRIA_RETURN_IF_ERROR(records_.Remove(id), "RemoveContainer " + id);
  names_.ReleaseId(id);
  containers_.erase(id);
  locks_.Forget(id);
  log::Info("container removed", {{"container", id}});
  return OkStatus();
}

// The pod's containers from the snapshots, without reading every running container's exit
// file: Stop and Remove bring each one up to date themselves.
Status ContainerManager::StopPod(const std::string& pod_id) {
  for (const auto& r : Snapshots()) {
    if (r->pod_id == pod_id && MayHaveExited(*r)) {
      CRIA_RETURN_IF_ERROR(Stop(r->id, 0), "stop the containers of pod " + pod_id);
    }
  }
  return OkStatus();
}

Status ContainerManager::RemovePod(const std::string& pod_id) {
  for (const auto& r : Snapshots()) {
    if (r->pod_id == pod_id)
      CRIA_RETURN_IF_ERROR(Remove(r->id), "remove the containers of pod " + pod_id);
  }
  return OkStatus();
}

}  // namespace cria::runtime::containers

// StartContainer: conmon runs the OCI runtime's create, then the runtime's start.
#include <filesystem>

#include "libs/clock/unix_time.h"
#include "libs/log/log.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/oci/conmon.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

}  // namespace

Status ContainerManager::Start(const std::string& id) {
  // The pod's lock before the container's (PodManager::LockFor): a container never starts
  // in a pod that is being stopped or removed.
  CRIA_ASSIGN_OR_RETURN(ContainerRecord found, Get(id), "StartContainer " + id);
  CRIA_RETURN_IF_ERROR(CheckPodReady(found.pod_id), "StartContainer " + id);
  auto pod_holder = pods_.LockFor(found.pod_id);
  std::lock_guard<std::mutex> pod_lock(*pod_holder);
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> container_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "StartContainer");
  if (record.state != ContainerState::kCreated) {
    return Status(StatusCode::kFailedPrecondition,
                  "StartContainer: container " + id + " is not in the created state");
  }
  CRIA_RETURN_IF_ERROR(CheckPodReady(record.pod_id), "StartContainer " + id);
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler), "StartContainer");
  // The spec names the target's pid: it must still be that process (while the target runs,
  // its pid cannot have been reused). Nothing is made yet, so the container stays CREATED.
  if (TargetsPid(record.config)) {
    CRIA_RETURN_IF_ERROR(TargetPid(record.pod_id, record.config).status(), "StartContainer " + id);
  }
  std::error_code ec;
  fs::create_directories(cli.root(), ec);
  oci::ConmonRequest request;
  request.conmon = options_.conmon;
  request.runtime = cli.path();
  request.runtime_root = cli.root();
  request.container_id = id;
  request.name = record.config.metadata().name();
  request.bundle = record.bundle;
  request.exit_dir = ExitDir();
  request.log_path = record.log_path;
  request.socket_dir = options_.run_dir + "/attach";
  request.conmon_pidfile = record.bundle + "/conmon.pid";
  request.terminal = record.config.tty();
  request.stdin = record.config.stdin();
  request.stdin_once = record.config.stdin_once();
  request.systemd_cgroup = options_.cgroup_driver == cgroups::Driver::kSystemd;
  request.conmon_cgroup_procs = options_.conmon_cgroup_procs;
  Result<oci::ConmonStarted> created = oci::CreateWithConmon(request);
  Status started = created.status();
  // Taken before the start: a short container can exit before `start` returns.
  const int64_t started_at = UnixNanosNow();
  if (started.ok()) started = cli.Start(id);
  if (!started.ok()) {
    (void)cli.Delete(id, true);
    record.state = ContainerState::kExited;
    record.exit_code = 128;
    record.reason = "StartError";
    record.message = std::string(started.message());
    record.finished_unix_nano = UnixNanosNow();
    CRIA_RETURN_IF_ERROR(Persist(record), "StartContainer");
    return Status(started.code(), "StartContainer " + id + ": " + std::string(started.message()));
  }
  record.state = ContainerState::kRunning;
  record.pid = created->container_pid;
  record.conmon_pid = created->conmon_pid;
  record.boot_id = options_.host.boot_id;
  record.started_unix_nano = started_at;
  CRIA_RETURN_IF_ERROR(Persist(record), "StartContainer");
  log::Info("container started", {{"container", id}, {"pid", record.pid}});
  return OkStatus();
}

}  // namespace cria::runtime::containers

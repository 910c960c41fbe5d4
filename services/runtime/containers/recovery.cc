// What a kill -9 of cria-runtime can leave half done, finished or undone at the next start
// (DESIGN.md section 4):
// - CreateContainer makes a rootfs (cria-storage), then the bundle dir, then the record.
//   Without a record the container never existed for the kubelet: its bundle and rootfs go.
// - StartContainer has conmon run `<runtime> create`, then `<runtime> start`, then records
//   RUNNING. Cut short in between, the record says CREATED while the runtime has the
//   container: running → adopted as RUNNING (the kubelet may have seen the start fail and
//   will stop it, or see it running); created or stopped → deleted from the runtime, so
//   the record is truly CREATED again and StartContainer can run it.
#include <unistd.h>

#include <filesystem>
#include <set>

#include "libs/clock/unix_time.h"
#include "libs/log/log.h"
#include "rapidjson/document.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/containers/exit_check.h"
#include "services/runtime/oci/conmon.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

}  // namespace

void ContainerManager::RecoverInterruptedStart(ContainerRecord& record) {
  if (record.state != ContainerState::kCreated) return;
  Result<oci::RuntimeCli> cli = RuntimeFor(record.handler);
  if (!cli.ok()) return;
  Result<oci::RuntimeState> state = cli->State(record.id);
  if (!state.ok()) return;  // NotFound: never created in the runtime; nothing to finish
  if (state->status == "running" && state->pid > 0) {
    record.state = ContainerState::kRunning;
    record.pid = state->pid;
    record.conmon_pid = oci::ReadPidFile(record.bundle + "/conmon.pid");
    record.started_unix_nano = UnixNanosNow();
    log::Info("container start finished after a restart", {{"container", record.id}});
  } else {
    // Created (or already stopped) by an interrupted start: undo it. Deleting it ends its
    // process, conmon then exits; its exit file would make the record EXITED.
    Status deleted = cli->Delete(record.id, true);
    if (!deleted.ok()) {
      log::Warn("cannot undo an interrupted start", {{"container", record.id}, {"error", deleted}});
      return;
    }
    if (::access((record.bundle + "/conmon.pid").c_str(), F_OK) == 0) {
      (void)exits_.Wait(record.id, std::chrono::seconds(2));
    }
    ::unlink((ExitDir() + "/" + record.id).c_str());
    ::unlink((record.bundle + "/conmon.pid").c_str());
    log::Info("interrupted start undone, the container is created again",
              {{"container", record.id}, {"runtime_state", state->status}});
    return;
  }
  if (Status s = records_.Write(record.id, ToJson(record)); !s.ok()) {
    log::Warn("cannot record a recovered start", {{"container", record.id}, {"error", s}});
  }
}

void ContainerManager::RecoverReboot(ContainerRecord& record) {
  if (!MayHaveExited(record) || record.boot_id.empty() || options_.host.boot_id.empty() ||
      record.boot_id == options_.host.boot_id) {
    return;
  }
  RecordUnknownExit(record,
                    "the node restarted while it ran (it started in boot " + record.boot_id + ")");
  log::Info("container of an earlier boot recorded as exited", {{"container", record.id}});
  if (Status s = records_.Write(record.id, ToJson(record)); !s.ok()) {
    log::Warn("cannot record the exit of a container of an earlier boot",
              {{"container", record.id}, {"error", s}});
  }
}

void ContainerManager::RemoveOrphanBundles() {
  const std::pair<std::string, std::string> kinds[] = {
      {"bundle", options_.run_dir + "/containers"}, {"volumes", options_.state_dir + "/volumes"}};
  for (const auto& [kind, dir] : kinds) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string id = entry.path().filename();
      if (containers_.count(id) != 0) continue;
      std::error_code rm;
      fs::remove_all(entry.path(), rm);
      log::Info(kind + " of a container never recorded removed",
                {{"container", id}, {"error", rm ? rm.message() : ""}});
    }
  }
}

Result<int> ContainerManager::CollectOrphanRootfs() {
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> held, storage_.ListRootfs(),
                        "collect root filesystems without a container");
  int removed = 0;
  for (const std::string& id : held) {
    // An image volume's rootfs belongs to its container.
    const std::string::size_type infix = id.rfind(kImageVolumeInfix);
    const std::string owner = infix == std::string::npos ? id : id.substr(0, infix);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (containers_.count(owner) != 0) continue;
      if (names_.HoldsAny(owner)) continue;  // being created
    }
    CRIA_RETURN_IF_ERROR(storage_.Remove(id), "collect the rootfs of " + id);
    log::Info("rootfs of a container never recorded removed", {{"container", id}});
    ++removed;
  }
  return removed;
}

}  // namespace cria::runtime::containers

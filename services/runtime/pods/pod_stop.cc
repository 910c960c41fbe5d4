// StopPodSandbox and RemovePodSandbox: the containers first, then the infra process, the
// network, and (removal) the pins, /dev/shm, the run dir and the record.
#include <filesystem>

#include "libs/log/log.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/pods/pod_manager.h"

namespace cria::runtime::pods {
namespace {

namespace fs = std::filesystem;

}  // namespace

Status PodManager::TearDown(PodRecord& record, bool remove) {
  // NOTREADY before anything goes: no container is created or started in the pod from now
  // on (those calls check under the pod's lock), and a crash halfway leaves a pod that is
  // not ready, whose stop or removal the kubelet then repeats.
  if (record.state == PodState::kReady) {
    record.state = PodState::kNotReady;
    CRIA_RETURN_IF_ERROR(Persist(record), "");
  }
  if (stop_containers_) CRIA_RETURN_IF_ERROR(stop_containers_(record.id), "");
  if (infra_ != nullptr) CRIA_RETURN_IF_ERROR(infra_->Stop(record), "");
  if (record.network_ready) {
    CRIA_RETURN_IF_ERROR(network_.Remove(record.id), "stop pod " + record.id);
    record.network_ready = false;
  }
  if (remove) {
    if (remove_containers_) CRIA_RETURN_IF_ERROR(remove_containers_(record.id), "");
    if (infra_ != nullptr) CRIA_RETURN_IF_ERROR(infra_->Remove(record), "");
    CRIA_RETURN_IF_ERROR(UnmountShm(record.dir), "remove pod " + record.id);
    CRIA_RETURN_IF_ERROR(UnpinNamespace(record.ipc_ns), "remove pod " + record.id);
    CRIA_RETURN_IF_ERROR(UnpinNamespace(record.uts_ns), "remove pod " + record.id);
    std::error_code ec;
    fs::remove_all(record.dir, ec);
    if (ec) return ErrnoStatus(ec.value(), "remove pod " + record.id + ": " + record.dir);
  }
  return OkStatus();
}

Status PodManager::Stop(const std::string& id) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> pod_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(PodRecord record, Get(id), "StopPodSandbox");
  CRIA_RETURN_IF_ERROR(TearDown(record, false), "StopPodSandbox");
  return Persist(record);
}

Status PodManager::Remove(const std::string& id) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> pod_lock(*holder);
  Result<PodRecord> record = Get(id);
  if (!record.ok()) return OkStatus();  // removing a removed pod is fine (CRI)
  CRIA_RETURN_IF_ERROR(TearDown(*record, true), "RemovePodSandbox");
  std::lock_guard<std::mutex> lock(mu_);
  CRIA_RETURN_IF_ERROR(records_.Remove(id), "RemovePodSandbox " + id);
  names_.Release(record->ReservedName());
  pods_.erase(id);
  locks_.Forget(id);
  log::Info("pod removed", {{"pod", id}});
  return OkStatus();
}

}  // namespace cria::runtime::pods

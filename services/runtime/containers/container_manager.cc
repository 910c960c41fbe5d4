// The container store: records in memory and on disk, exits brought up to date when a
// container is looked at, and what every container call shares (the pod check, the
// runtime of a handler). The calls themselves are in container_<call>.cc.
#include "services/runtime/containers/container_manager.h"

#include <filesystem>

#include "libs/ids/id_prefix.h"
#include "libs/log/log.h"
#include "services/runtime/containers/exit_check.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

}  // namespace

ContainerManager::ContainerManager(ContainerManagerOptions options, pods::PodManager& pods,
                                   clients::ImageClient& images, clients::StorageClient& storage,
                                   oci::ExitWatcher& exits)
    : options_(std::move(options)),
      pods_(pods),
      images_(images),
      storage_(storage),
      exits_(exits),
      records_(options_.state_dir + "/containers") {}

Status ContainerManager::Init() {
  for (const std::string& dir : {options_.run_dir + "/containers", ExitDir(),
                                 options_.run_dir + "/attach", options_.run_dir + "/oci"}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), "create " + dir);
  }
  return records_.Init();
}

Result<oci::RuntimeCli> ContainerManager::RuntimeFor(const std::string& handler) const {
  auto it = options_.runtimes.find(handler);
  if (it == options_.runtimes.end()) {
    return Status(StatusCode::kInvalidArgument, "unknown runtime handler \"" + handler + "\"");
  }
  const std::string root = options_.run_dir + "/oci/" + (handler.empty() ? "default" : handler);
  return oci::RuntimeCli(it->second, root);
}

void ContainerManager::Recover() {
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    log::Error("cannot load container records", {{"error", loaded.status()}});
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, doc] : loaded->records) {
    Result<ContainerRecord> record = ContainerFromJson(doc);
    if (!record.ok() || record->id != name) {
      log::Warn("container record ignored", {{"record", name}});
      continue;
    }
    if (Result<pods::PodRecord> pod = pods_.Get(record->pod_id); pod.ok()) {
      (void)names_.Reserve(record->ReservedName(pod->config.metadata()), record->id,
                           "load the container records");
    }
    RecoverInterruptedStart(*record);
    RecoverReboot(*record);
    Refresh(*record);
    const std::string id = record->id;
    containers_[id] = std::make_shared<const ContainerRecord>(std::move(*record));
  }
  RemoveOrphanBundles();
}

Status ContainerManager::Persist(const ContainerRecord& record) {
  // Written before the map changes and with mu_ released: the fsyncs (~1 ms on a disk)
  // would hold up every container call. Calls that change a container hold its lock in
  // locks_; List and Get write only an exit of a record they saw RUNNING in the map, which
  // is after the write of RUNNING here.
  CRIA_RETURN_IF_ERROR(records_.Write(record.id, ToJson(record)), "record container " + record.id);
  auto snapshot = std::make_shared<const ContainerRecord>(record);
  std::lock_guard<std::mutex> lock(mu_);
  containers_[record.id] = std::move(snapshot);
  return OkStatus();
}

void ContainerManager::Refresh(ContainerRecord& r) {
  if (MayHaveExited(r)) Update(r, CheckExit(ExitDir(), r));
}

void ContainerManager::Update(std::shared_ptr<const ContainerRecord>& slot,
                              const ExitCheck& check) {
  if (!MayHaveExited(*slot) || check.outcome == ExitCheck::Outcome::kRunning) return;
  auto next = std::make_shared<ContainerRecord>(*slot);
  Update(*next, check);
  slot = std::move(next);
}

void ContainerManager::Update(ContainerRecord& r, const ExitCheck& check) {
  if (!MayHaveExited(r) || !ApplyExit(check, r)) return;
  // The runtime's state of the stopped container (and its empty cgroup) goes at
  // RemoveContainer, as with CRI-O: not here, under mu_, where every List would wait for
  // a `<runtime> delete` and every stop would too.
  (void)records_.Write(r.id, ToJson(r));
}

// FailedPrecondition unless the pod is READY: a stop or removal makes it NOTREADY before it
// takes anything down. NotFound for an unknown pod.
Status ContainerManager::CheckPodReady(const std::string& pod_id) const {
  CRIA_ASSIGN_OR_RETURN(pods::PodState state, pods_.StateOf(pod_id), "");
  if (state != pods::PodState::kReady) {
    return Status(StatusCode::kFailedPrecondition, "pod " + pod_id + " is not ready (stopped)");
  }
  return OkStatus();
}

std::vector<std::shared_ptr<const ContainerRecord>> ContainerManager::Snapshots() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const ContainerRecord>> out;
  out.reserve(containers_.size());
  for (const auto& [id, record] : containers_) out.push_back(record);
  return out;
}

std::shared_ptr<const ContainerRecord> ContainerManager::Refreshed(
    std::shared_ptr<const ContainerRecord> snapshot) {
  if (!MayHaveExited(*snapshot)) return snapshot;
  // Read with mu_ released: a list of many running containers does not hold up the other
  // container calls. Only a change is applied, under mu_.
  const ExitCheck check = CheckExit(ExitDir(), *snapshot);
  if (check.outcome == ExitCheck::Outcome::kRunning) return snapshot;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(snapshot->id);
  if (it == containers_.end()) return nullptr;
  Update(it->second, check);
  return it->second;
}

Result<ContainerRecord> ContainerManager::Get(const std::string& id) {
  std::shared_ptr<const ContainerRecord> record;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it != containers_.end()) record = it->second;
  }
  if (record != nullptr) record = Refreshed(std::move(record));
  if (record == nullptr) return Status(StatusCode::kNotFound, "container " + id + " not found");
  return *record;
}

std::string ContainerManager::VolumesDir(const std::string& id) const {
  return options_.state_dir + "/volumes/" + id;
}

Result<std::string> ContainerManager::ResolveId(const std::string& given) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ids::ResolveIdPrefix(containers_, given, "container");
}

std::vector<std::shared_ptr<const ContainerRecord>> ContainerManager::List() {
  std::vector<std::shared_ptr<const ContainerRecord>> out = Snapshots();
  for (auto& record : out) {
    if (auto current = Refreshed(record)) record = std::move(current);  // removed: as it was
  }
  return out;
}

}  // namespace cria::runtime::containers

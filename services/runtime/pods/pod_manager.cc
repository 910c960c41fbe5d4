// The pod store: records in memory and on disk, the recovery of what a crash left, and
// what the pod calls share. The calls themselves are in pod_<call>.cc.
#include "services/runtime/pods/pod_manager.h"

#include <filesystem>
#include <set>

#include "libs/ids/id_prefix.h"
#include "libs/log/log.h"
#include "services/runtime/pods/pod_files.h"

namespace cria::runtime::pods {
namespace {

namespace fs = std::filesystem;

}  // namespace

PodManager::PodManager(PodManagerOptions options, clients::NetworkClient& network,
                       InfraRunner* infra)
    : options_(std::move(options)),
      network_(network),
      infra_(infra),
      records_(options_.state_dir + "/pods") {}

void PodManager::SetContainerHooks(std::function<Status(const std::string&)> stop_containers,
                                   std::function<Status(const std::string&)> remove_containers) {
  stop_containers_ = std::move(stop_containers);
  remove_containers_ = std::move(remove_containers);
}

Status PodManager::Init() {
  for (const std::string& dir : {options_.run_dir + "/pods", options_.ns_dir + "/ipc",
                                 options_.ns_dir + "/uts", options_.ns_dir + "/pid"}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), "create " + dir);
  }
  return records_.Init();
}

void PodManager::Recover() {
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    log::Error("cannot load pod records", {{"error", loaded.status()}});
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  for (const auto& [name, doc] : loaded->records) {
    Result<PodRecord> record = PodFromJson(doc);
    if (!record.ok() || record->id != name) {
      log::Warn("pod record ignored", {{"record", name}});
      continue;
    }
    if (record->state == PodState::kReady && !fs::exists(record->dir)) {
      record->state = PodState::kNotReady;  // the run dir went with a reboot
    }
    (void)names_.Reserve(record->ReservedName(), record->id, "load the pod records");
    const std::string id = record->id;
    pods_[id] = std::make_shared<const PodRecord>(std::move(*record));
  }
  lock.unlock();
  std::vector<std::string> interrupted = RemoveInterruptedRuns();
  std::lock_guard<std::mutex> orphans(orphans_mu_);
  orphan_networks_ = std::move(interrupted);
}

// RunPodSandbox makes the pod's run dir first and its record last: a run dir or a pinned
// namespace without a record is what a crash in between left.
std::vector<std::string> PodManager::RemoveInterruptedRuns() {
  std::set<std::string> ids;
  for (const std::string& dir : {options_.run_dir + "/pods", options_.ns_dir + "/ipc",
                                 options_.ns_dir + "/uts", options_.ns_dir + "/pid"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      ids.insert(entry.path().filename().string());
    }
  }
  std::vector<std::string> removed;
  for (const std::string& id : ids) {
    if (StateOf(id).ok()) continue;
    const std::string dir = options_.run_dir + "/pods/" + id;
    Status s = infra_ != nullptr ? infra_->RemoveLeftover(id) : OkStatus();
    for (const Status& step : {UnmountShm(dir), UnpinNamespace(options_.ns_dir + "/ipc/" + id),
                               UnpinNamespace(options_.ns_dir + "/uts/" + id)}) {
      if (s.ok()) s = step;
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (s.ok() && ec) s = ErrnoStatus(ec.value(), "remove " + dir);
    if (!s.ok()) {
      log::Warn("cannot remove what an interrupted RunPodSandbox made",
                {{"pod", id}, {"error", s}});
    } else {
      log::Info("removed what an interrupted RunPodSandbox made", {{"pod", id}});
    }
    removed.push_back(id);
  }
  return removed;
}

Result<int> PodManager::CollectOrphanNetworks() {
  std::lock_guard<std::mutex> lock(orphans_mu_);
  int removed = 0;
  while (!orphan_networks_.empty()) {
    CRIA_RETURN_IF_ERROR(network_.Remove(orphan_networks_.back()),
                         "remove the network of interrupted pod " + orphan_networks_.back());
    orphan_networks_.pop_back();
    ++removed;
  }
  return removed;
}

Status PodManager::Persist(const PodRecord& record) {
  // Written with mu_ released: its fsyncs (~1 ms on a disk) would hold up every pod call,
  // and concurrent RunPodSandbox calls would queue behind each other's. Calls that change a
  // pod hold its lock in locks_, so no two write one record at once.
  CRIA_RETURN_IF_ERROR(records_.Write(record.id, ToJson(record)), "record pod " + record.id);
  auto snapshot = std::make_shared<const PodRecord>(record);
  std::lock_guard<std::mutex> lock(mu_);
  pods_[record.id] = std::move(snapshot);
  return OkStatus();
}

// A READY pod whose infra process has ended is NOTREADY: its PID namespace, and every
// process in it, died with cria-pause, and no container can start there any more. The
// kubelet then stops it and makes a new one (as with CRI-O and containerd, whose sandbox
// is not ready once its pause container exits). Read each time (the exit file stays until
// the pod is stopped), so a restart of cria-runtime sees it as well.
PodState PodManager::StateOf(const PodRecord& record) const {
  if (record.state == PodState::kReady && infra_ != nullptr && infra_->Exited(record)) {
    return PodState::kNotReady;
  }
  return record.state;
}

std::shared_ptr<const PodRecord> PodManager::WithInfraState(
    std::shared_ptr<const PodRecord> record) const {
  const PodState state = StateOf(*record);
  if (state == record->state) return record;
  auto changed = std::make_shared<PodRecord>(*record);
  changed->state = state;
  return changed;
}

std::shared_ptr<const PodRecord> PodManager::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pods_.find(id);
  return it == pods_.end() ? nullptr : it->second;
}

Result<PodRecord> PodManager::Get(const std::string& id) const {
  std::shared_ptr<const PodRecord> record = Find(id);
  if (record == nullptr) return Status(StatusCode::kNotFound, "pod sandbox " + id + " not found");
  PodRecord copy = *record;
  copy.state = StateOf(copy);
  return copy;
}

Result<std::string> PodManager::ResolveId(const std::string& given) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ids::ResolveIdPrefix(pods_, given, "pod");
}

Result<PodState> PodManager::StateOf(const std::string& id) const {
  std::shared_ptr<const PodRecord> record = Find(id);
  if (record == nullptr) return Status(StatusCode::kNotFound, "pod sandbox " + id + " not found");
  return StateOf(*record);
}

std::vector<std::shared_ptr<const PodRecord>> PodManager::List() const {
  std::vector<std::shared_ptr<const PodRecord>> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.reserve(pods_.size());
    for (const auto& [id, record] : pods_) out.push_back(record);
  }
  for (auto& record : out) record = WithInfraState(std::move(record));
  return out;
}

Status PodManager::UpdateResources(const std::string& id,
                                   const ::runtime::v1::LinuxContainerResources* overhead,
                                   const ::runtime::v1::LinuxContainerResources* resources) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> pod_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(PodRecord record, Get(id), "UpdatePodSandboxResources");
  if (record.state != PodState::kReady) {
    return Status(StatusCode::kFailedPrecondition,
                  "UpdatePodSandboxResources: pod sandbox " + id + " is not ready");
  }
  auto* linux = record.config.mutable_linux();
  if (overhead != nullptr) *linux->mutable_overhead() = *overhead;
  if (resources != nullptr) *linux->mutable_resources() = *resources;
  if (infra_ != nullptr && resources != nullptr) {
    CRIA_RETURN_IF_ERROR(infra_->Update(record, *resources), "UpdatePodSandboxResources");
  }
  return Annotate(Persist(record), "UpdatePodSandboxResources");
}

}  // namespace cria::runtime::pods

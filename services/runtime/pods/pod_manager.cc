#include "services/runtime/pods/pod_manager.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>

#include "libs/clock/unix_time.h"
#include "libs/ids/random_id.h"
#include "libs/log/log.h"
#include "libs/process/process.h"
#include "libs/undo/undo_stack.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/spec/cgroup_path.h"
#include "services/runtime/spec/sysctls.h"

namespace cria::runtime::pods {
namespace {

namespace fs = std::filesystem;

// One word of resolv.conf: a server, a search domain or an option (no blank, no line
// break that would add lines of its own).
Status CheckResolvWord(const std::string& word, const char* field) {
  if (word.empty() || word.find_first_of(" \t\r\n") != std::string::npos) {
    return Status(StatusCode::kInvalidArgument, std::string("RunPodSandbox: dns_config.") + field +
                                                    " \"" + word +
                                                    "\" is empty or holds a blank or line break");
  }
  return OkStatus();
}

Status CheckConfig(const ::runtime::v1::PodSandboxConfig& config, cgroups::Driver driver) {
  const auto& m = config.metadata();
  for (auto [field, value] : {std::pair<const char*, const std::string*>{"name", &m.name()},
                              {"namespace", &m.namespace_()},
                              {"uid", &m.uid()}}) {
    if (value->empty()) {
      return Status(StatusCode::kInvalidArgument,
                    std::string("RunPodSandbox: metadata.") + field + " is empty");
    }
    if (value->find('/') != std::string::npos || value->find('_') != std::string::npos) {
      // '_' separates the reserved name's parts.
      return Status(StatusCode::kInvalidArgument, std::string("RunPodSandbox: metadata.") + field +
                                                      " \"" + *value +
                                                      "\" may not contain '/' or '_'");
    }
  }
  // Containers' log files go under it; relative, it would name a place under whatever
  // directory cria-runtime and conmon run in.
  if (!config.log_directory().empty() && config.log_directory()[0] != '/') {
    return Status(
        StatusCode::kInvalidArgument,
        "RunPodSandbox: log_directory \"" + config.log_directory() + "\" is not an absolute path");
  }
  // The kernel takes at most 64 bytes (HOST_NAME_MAX); every container start would fail.
  if (config.hostname().size() > 64) {
    return Status(StatusCode::kInvalidArgument,
                  "RunPodSandbox: hostname \"" + config.hostname() + "\" is longer than 64 bytes");
  }
  for (const auto& server : config.dns_config().servers()) {
    CRIA_RETURN_IF_ERROR(CheckResolvWord(server, "servers"), "");
  }
  for (const auto& search : config.dns_config().searches()) {
    CRIA_RETURN_IF_ERROR(CheckResolvWord(search, "searches"), "");
  }
  for (const auto& option : config.dns_config().options()) {
    CRIA_RETURN_IF_ERROR(CheckResolvWord(option, "options"), "");
  }
  // The containers' cgroups go under cgroup_parent, in the driver's syntax: a parent the
  // driver cannot take would fail every CreateContainer later.
  CRIA_RETURN_IF_ERROR(spec::CgroupsPath(config.linux().cgroup_parent(), driver, "pod").status(),
                       "RunPodSandbox");
  // Before anything is made: cria-pinns writes the IPC and UTS ones, and a sysctl that is
  // not namespaced, or whose namespace is the host's, would change the whole node.
  const auto& ns = config.linux().security_context().namespace_options();
  return Annotate(spec::BuildSysctls(config.linux().sysctls(), ns.network() == ::runtime::v1::NODE,
                                     ns.ipc() == ::runtime::v1::NODE)
                      .status(),
                  "RunPodSandbox");
}

// Appends `--sysctl KEY=VALUE` to cria-pinns' `argv` for each of the pod's net.* sysctls
// (network) or each of its others.
void AppendSysctls(const ::runtime::v1::PodSandboxConfig& config, bool network,
                   std::vector<std::string>& argv) {
  for (const auto& [key, value] : config.linux().sysctls()) {
    if (spec::IsNetworkSysctl(key) != network) continue;
    argv.push_back("--sysctl");
    argv.push_back(key + "=" + value);
  }
}

// Runs cria-pinns with `argv`. A sysctl the kernel refuses is the request's fault
// (InvalidArgument); any other failure is ours.
Status RunPinns(std::vector<std::string> argv) {
  process::Command cmd;
  cmd.argv = std::move(argv);
  cmd.timeout = std::chrono::seconds(30);
  CRIA_ASSIGN_OR_RETURN(process::Outcome outcome, process::Run(cmd), "cria-pinns");
  if (outcome.Succeeded()) return OkStatus();
  std::string err = outcome.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  bool sysctl = err.find("sysctl") != std::string::npos && outcome.exit_code == 1;
  return Status(sysctl ? StatusCode::kInvalidArgument : StatusCode::kInternal, err);
}

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

Result<std::string> PodManager::Run(const ::runtime::v1::PodSandboxConfig& config,
                                    const std::string& runtime_handler,
                                    std::chrono::system_clock::time_point caller_deadline) {
  CRIA_RETURN_IF_ERROR(CheckConfig(config, options_.cgroup_driver), "");
  if (!runtime_handler.empty() && std::find(options_.handlers.begin(), options_.handlers.end(),
                                            runtime_handler) == options_.handlers.end()) {
    std::string known;
    for (const auto& h : options_.handlers) known += (known.empty() ? "" : ", ") + h;
    return Status(StatusCode::kInvalidArgument, "RunPodSandbox: unknown runtime handler \"" +
                                                    runtime_handler + "\" (known: " + known + ")");
  }
  PodRecord record;
  record.id = NewRandomId();
  record.config = config;
  record.runtime_handler = runtime_handler;
  record.created_unix_nano = UnixNanosNow();
  record.dir = options_.run_dir + "/pods/" + record.id;
  const std::string name = record.ReservedName();
  if (std::optional<std::string> late = names_.TakeLate(name)) {
    if (Result<PodState> state = StateOf(*late); state.ok() && *state == PodState::kReady) {
      log::Info("a retried RunPodSandbox gets the pod made after its first call gave up",
                {{"pod", *late}, {"name", name}});
      return *late;
    }
  }
  UndoStack undo;
  CRIA_RETURN_IF_ERROR(names_.Reserve(name, record.id, "RunPodSandbox"), "");
  undo.Push("release the name " + name, [this, name] {
    names_.Release(name);
    return OkStatus();
  });
  auto lock_holder = locks_.For(record.id);
  std::lock_guard<std::mutex> pod_lock(*lock_holder);
  const std::string what = "RunPodSandbox " + name;

  if (mkdir(record.dir.c_str(), 0700) != 0) return ErrnoStatus(errno, what + ": " + record.dir);
  const std::string dir = record.dir;
  undo.Push("remove " + dir, [dir] {
    std::error_code ec;
    fs::remove_all(dir, ec);
    return OkStatus();
  });
  // The network (netns, CNI ADD: most of a pod's start) is made by cria-network while
  // this thread pins the other namespaces; it is waited for on every path, and removed
  // again if the pod fails.
  std::shared_future<Result<clients::PodNetwork>> network;
  if (!record.HostNetwork()) {
    network = std::async(std::launch::async, [this, id = record.id, &config] {
                return network_.Create(id, config);
              }).share();
    undo.Push("remove the pod network", [this, id = record.id, network] {
      return network.get().ok() ? network_.Remove(id) : OkStatus();
    });
  }
  if (!record.HostIpc()) {
    CRIA_RETURN_IF_ERROR(MountShm(dir), what);
    undo.Push("unmount the pod's shm", [dir] { return UnmountShm(dir); });
  }

  // IPC and UTS namespaces, with the pod's namespaced sysctls (not net.*: those belong to
  // the network namespace cria-network makes).
  std::vector<std::string> pinns = {options_.pinns, "--dir", options_.ns_dir, "--name", record.id};
  if (!record.HostIpc()) pinns.push_back("--ipc");
  if (!record.HostNetwork()) pinns.push_back("--uts");
  AppendSysctls(config, /*network=*/false, pinns);
  if (!record.HostIpc() || !record.HostNetwork()) {
    CRIA_RETURN_IF_ERROR(RunPinns(std::move(pinns)), what);
    if (!record.HostIpc()) record.ipc_ns = options_.ns_dir + "/ipc/" + record.id;
    if (!record.HostNetwork()) record.uts_ns = options_.ns_dir + "/uts/" + record.id;
    const std::string ipc = record.ipc_ns, uts = record.uts_ns;
    undo.Push("unpin the pod's namespaces", [ipc, uts] {
      Status a = UnpinNamespace(ipc);
      Status b = UnpinNamespace(uts);
      return a.ok() ? b : a;
    });
  }

  if (network.valid()) {
    CRIA_ASSIGN_OR_RETURN(clients::PodNetwork net, network.get(), what);
    record.net_ns = net.netns_path;
    record.ips = net.ips;
    record.network_ready = true;
    // The net.* sysctls go into the pod's network namespace now: one it does not have
    // would otherwise fail every container's start instead of this call.
    std::vector<std::string> net_sysctls = {options_.pinns, "--netns", record.net_ns};
    AppendSysctls(config, /*network=*/true, net_sysctls);
    if (net_sysctls.size() > 3) CRIA_RETURN_IF_ERROR(RunPinns(std::move(net_sysctls)), what);
  }
  CRIA_RETURN_IF_ERROR(WritePodFiles(dir, config, record.ips, options_.node_hostname), what);
  if (record.SharesPid()) {
    if (infra_ == nullptr) {
      return Status(StatusCode::kUnimplemented,
                    what + ": pods sharing one PID namespace need cria-pause, not configured");
    }
    CRIA_RETURN_IF_ERROR(infra_->Start(record), what);
    undo.Push("remove the infra process", [this, &record] { return infra_->Remove(record); });
  }
  record.state = PodState::kReady;
  CRIA_RETURN_IF_ERROR(Persist(record), what);
  undo.Commit();
  log::Info("pod ready", {{"pod", record.id}, {"name", name}});
  if (std::chrono::system_clock::now() > caller_deadline) {
    // Nobody will get this answer; the kubelet asks again for the same name.
    names_.MarkLate(record.id);
    log::Info("pod ready after its caller's deadline, kept for the retry", {{"pod", record.id}});
  }
  return record.id;
}

// A READY pod whose infra process has ended is NOTREADY: its PID namespace, and every
// process in it, died with cria-pause, and no container can start there any more. The
// kubelet then stops it and makes a new one (as with CRI-O and containerd, whose sandbox
// is not ready once its pause container exits). Read each time (the exit file stays until
// the pod is stopped), so a restart of cria-runtime sees it as well.
std::shared_ptr<const PodRecord> PodManager::WithInfraState(
    std::shared_ptr<const PodRecord> record) const {
  if (record->state != PodState::kReady || infra_ == nullptr || !infra_->Exited(*record)) {
    return record;
  }
  auto not_ready = std::make_shared<PodRecord>(*record);
  not_ready->state = PodState::kNotReady;
  return not_ready;
}

std::shared_ptr<const PodRecord> PodManager::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pods_.find(id);
  return it == pods_.end() ? nullptr : it->second;
}

Result<PodRecord> PodManager::Get(const std::string& id) const {
  std::shared_ptr<const PodRecord> record = Find(id);
  if (record == nullptr) return Status(StatusCode::kNotFound, "pod sandbox " + id + " not found");
  return *WithInfraState(std::move(record));
}

Result<PodState> PodManager::StateOf(const std::string& id) const {
  std::shared_ptr<const PodRecord> record = Find(id);
  if (record == nullptr) return Status(StatusCode::kNotFound, "pod sandbox " + id + " not found");
  return WithInfraState(std::move(record))->state;
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

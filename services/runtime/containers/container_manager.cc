#include "services/runtime/containers/container_manager.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/clock/unix_time.h"
#include "libs/ids/random_id.h"
#include "libs/log/log.h"
#include "libs/records/atomic_file.h"
#include "libs/records/small_file.h"
#include "libs/undo/undo_stack.h"
#include "rapidjson/document.h"
#include "services/runtime/containers/exit_check.h"
#include "services/runtime/containers/selinux_relabel.h"
#include "services/runtime/containers/signals.h"
#include "services/runtime/oci/conmon.h"
#include "services/runtime/oci/exec_process.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/spec/container_spec.h"
#include "services/runtime/spec/propagation.h"
#include "services/runtime/spec/resources.h"
#include "services/runtime/spec/spec_json.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The container's OCI config.json, as written at create (a spec is tens of KiB).
Result<std::string> ReadConfigJson(const ContainerRecord& record) {
  return records::ReadSmallFile(record.bundle + "/config.json", 16 << 20);
}

// Whether the host mounts of bind sources allow the propagation their CRI mounts ask for.
// runc does not check: an rshared bind of a source on a private mount is accepted and
// simply never propagates, so a BIDIRECTIONAL volume would silently act as a private one.
Status CheckPropagation(const std::vector<spec::PropagationCheck>& checks) {
  if (checks.empty()) return OkStatus();
  CRIA_ASSIGN_OR_RETURN(std::string mountinfo,
                        records::ReadSmallFile("/proc/self/mountinfo", 16 << 20), "");
  for (spec::PropagationCheck check : checks) {
    std::error_code ec;
    const fs::path real = fs::canonical(check.host_path, ec);
    if (ec) return ErrnoStatus(ec.value(), "resolve the mount source " + check.host_path);
    check.host_path = real;
    CRIA_RETURN_IF_ERROR(spec::CheckPropagation(check, mountinfo), "");
  }
  return OkStatus();
}

// What CreateContainer refuses before it makes anything: the name, the image, the log path.
Status CheckRequest(const ::runtime::v1::ContainerConfig& config) {
  const std::string& name = config.metadata().name();
  if (name.empty()) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: metadata.name is empty");
  }
  if (name.find('/') != std::string::npos || name.find('_') != std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "CreateContainer: metadata.name \"" + name + "\" may not contain '/' or '_'");
  }
  if (config.image().image().empty()) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: no image given");
  }
  // The kubelet's is "<name>/<restart count>.log" under the pod's log directory; conmon
  // writes it as root, so it may not lead anywhere else.
  const fs::path log_path = fs::path(config.log_path()).lexically_normal();
  if (log_path.is_absolute() || (!log_path.empty() && *log_path.begin() == "..")) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: log_path \"" + config.log_path() +
                                                    "\" is not inside the pod's log directory");
  }
  return OkStatus();
}

// What ExecSync returns of stdout and stderr together: the reply must fit the kubelet's
// CRI message limit (16 MiB, the gateway's too), with room for the rest of the message.
constexpr size_t kExecSyncOutputBudget = (16 << 20) - (64 << 10);

// Cuts `out` and `err` to `budget` bytes together, keeping the start of each: each keeps
// up to half, and what one does not need the other may use.
void FitExecOutput(std::string& out, std::string& err, size_t budget) {
  size_t out_keep = std::min(out.size(), budget / 2);
  const size_t err_keep = std::min(err.size(), budget - out_keep);
  out_keep = std::min(out.size(), budget - err_keep);
  out.resize(out_keep);
  err.resize(err_keep);
}

bool TargetsPid(const ::runtime::v1::ContainerConfig& config) {
  return config.linux().security_context().namespace_options().pid() == ::runtime::v1::TARGET;
}

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

Result<std::string> ContainerManager::Create(
    const std::string& pod_id, const ::runtime::v1::ContainerConfig& config,
    const ::runtime::v1::PodSandboxConfig& pod_config,
    std::chrono::system_clock::time_point caller_deadline) {
  CRIA_RETURN_IF_ERROR(CheckRequest(config), "");
  CRIA_RETURN_IF_ERROR(CheckPodReady(pod_id), "CreateContainer");
  // Held throughout: a stop or removal of the pod waits for this container, or has made
  // the pod NOTREADY first (checked again under the lock) and this call fails.
  auto pod_holder = pods_.LockFor(pod_id);
  std::lock_guard<std::mutex> pod_lock(*pod_holder);
  CRIA_RETURN_IF_ERROR(CheckPodReady(pod_id), "CreateContainer");
  CRIA_ASSIGN_OR_RETURN(pods::PodRecord pod, pods_.Get(pod_id), "CreateContainer");
  if (config.stop_signal() != ::runtime::v1::RUNTIME_DEFAULT) {
    CRIA_RETURN_IF_ERROR(ParseSignal(::runtime::v1::Signal_Name(config.stop_signal())).status(),
                         "CreateContainer: stop_signal " + std::to_string(config.stop_signal()));
  }
  int target_pid = 0;
  if (TargetsPid(config)) {
    CRIA_ASSIGN_OR_RETURN(target_pid, TargetPid(pod_id, config), "CreateContainer");
  }
  ContainerRecord record;
  record.id = NewRandomId();
  record.pod_id = pod_id;
  record.config = config;
  record.handler = pod.runtime_handler;
  record.created_unix_nano = UnixNanosNow();
  record.bundle = options_.run_dir + "/containers/" + record.id;
  CRIA_RETURN_IF_ERROR(RuntimeFor(record.handler).status(), "CreateContainer");
  const std::string name = record.ReservedName(pod.config.metadata());
  const std::string what = "CreateContainer " + name;
  if (std::optional<std::string> late = names_.TakeLate(name)) {
    if (Result<ContainerRecord> held = Get(*late);
        held.ok() && held->state == ContainerState::kCreated) {
      log::Info("a retried CreateContainer gets the container made after its first call gave up",
                {{"container", *late}, {"name", name}});
      return *late;
    }
  }
  UndoStack undo;
  CRIA_RETURN_IF_ERROR(names_.Reserve(name, record.id, "CreateContainer"), "");
  undo.Push("release " + name, [this, name] {
    names_.Release(name);
    return OkStatus();
  });

  CRIA_ASSIGN_OR_RETURN(image::v1::ResolveResponse image, images_.Resolve(config.image().image()),
                        what);
  record.image_id = image.id();
  record.stop_signal = image.config().stop_signal();
  // Mounted writable even for a readonly_rootfs container: the OCI runtime creates the
  // mount points the image lacks (/proc, /sys, volume targets) and only then makes the
  // rootfs read-only (root.readonly in the spec), as with containerd and CRI-O.
  CRIA_ASSIGN_OR_RETURN(
      record.rootfs,
      storage_.CreateAndMount(record.id, image.top_layer(), /*read_only=*/false, image.id()), what);
  const std::string id = record.id;
  undo.Push("remove the rootfs", [this, id] { return storage_.Remove(id); });

  std::error_code ec;
  fs::create_directories(record.bundle, ec);
  if (ec) return ErrnoStatus(ec.value(), what + ": create " + record.bundle);
  const std::string bundle = record.bundle;
  undo.Push("remove " + bundle, [bundle] {
    std::error_code rm;
    fs::remove_all(bundle, rm);
    return OkStatus();
  });
  if (!pod.config.log_directory().empty() && !config.log_path().empty()) {
    record.log_path = (fs::path(pod.config.log_directory()) / config.log_path()).lexically_normal();
    fs::create_directories(fs::path(record.log_path).parent_path(), ec);
  } else {
    record.log_path = record.bundle + "/container.log";
  }

  spec::PreparedContainer prepared;
  prepared.container_id = record.id;
  prepared.pod_id = pod_id;
  prepared.rootfs = record.rootfs;
  prepared.image_name = config.image().user_specified_image().empty()
                            ? config.image().image()
                            : config.image().user_specified_image();
  prepared.cgroup_parent = pod.config.linux().cgroup_parent();
  prepared.cgroup_driver = options_.cgroup_driver;
  prepared.namespaces.network = pod.net_ns;
  prepared.namespaces.ipc = pod.ipc_ns;
  prepared.namespaces.uts = pod.uts_ns;
  prepared.namespaces.pid = pod.pid_ns;
  prepared.target_pid = target_pid;
  pods::PodFiles files = pods::PodFilesIn(pod.dir);
  prepared.pod_files = {files.hosts, files.resolv_conf, files.hostname,
                        pod.HostIpc() ? "/dev/shm" : files.shm};
  prepared.volumes_dir = record.bundle + "/volumes";
  (void)pod_config;  // the stored pod config is authoritative
  CRIA_ASSIGN_OR_RETURN(spec::GeneratedSpec generated,
                        spec::GenerateContainerSpec(config, pod.config, image.config(), prepared,
                                                    options_.host, lookup_),
                        what);
  // cria-runtime said so at info level once, at start; per container it is detail.
  if (generated.oom_score_adj.Clamped()) {
    log::Debug("oom_score_adj clamped to what cria-runtime may set",
               {{"container", record.id},
                {"requested", generated.oom_score_adj.requested},
                {"applied", generated.oom_score_adj.applied}});
  }
  for (const std::string& dir : generated.host_dirs) {
    // What did not exist is removed again if this call fails later (empty dirs only).
    std::vector<fs::path> missing;
    for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec);
         p = p.parent_path()) {
      missing.push_back(p);
      if (p == p.parent_path()) break;
    }
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), what + ": create the mount source " + dir);
    undo.Push("remove the mount source " + dir + " it made", [missing] {
      for (const fs::path& p : missing) ::rmdir(p.c_str());  // deepest first
      return OkStatus();
    });
  }
  CRIA_RETURN_IF_ERROR(CheckPropagation(generated.propagation_checks), what);
  // Mounts asking for a relabel get the container's mount label (SELinux hosts only).
  if (options_.host.selinux_enabled && !generated.spec.linux.mount_label.empty()) {
    CRIA_RETURN_IF_ERROR(RelabelTrees(generated.relabel, generated.spec.linux.mount_label), what);
  }
  record.cgroups_path = generated.spec.linux.cgroups_path;
  auto* user = record.user.mutable_linux();
  user->set_uid(generated.spec.process.user.uid);
  user->set_gid(generated.spec.process.user.gid);
  for (uint32_t gid : generated.spec.process.user.additional_gids) {
    user->add_supplemental_groups(gid);
  }
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::SpecToJson(generated.spec), what);
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(record.bundle + "/config.json", json, 0600,
                                                records::Durability::kUntilReboot),
                       what);
  record.state = ContainerState::kCreated;
  CRIA_RETURN_IF_ERROR(Persist(record), what);
  undo.Commit();
  log::Info("container created", {{"container", record.id}, {"name", name}});
  if (std::chrono::system_clock::now() > caller_deadline) {
    // Nobody will get this answer; the kubelet asks again for the same name.
    names_.MarkLate(record.id);
    log::Info("container created after its caller's deadline, kept for the retry",
              {{"container", record.id}});
  }
  return record.id;
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

// As containerd does for ephemeral (debug) containers: the target is a running container
// of the same pod, and the new one joins the PID namespace of its process.
Result<int> ContainerManager::TargetPid(const std::string& pod_id,
                                        const ::runtime::v1::ContainerConfig& config) {
  const std::string& target_id = config.linux().security_context().namespace_options().target_id();
  const std::string what = "PID namespace mode TARGET: target container \"" + target_id + "\"";
  if (target_id.empty()) {
    return Status(StatusCode::kInvalidArgument, "PID namespace mode TARGET needs a target_id");
  }
  CRIA_ASSIGN_OR_RETURN(ContainerRecord target, Get(target_id), what);
  if (target.pod_id != pod_id) {
    return Status(StatusCode::kInvalidArgument,
                  what + " is in another pod (" + target.pod_id + ")");
  }
  if (target.state != ContainerState::kRunning || target.pid <= 0) {
    return Status(StatusCode::kFailedPrecondition, what + " is not running");
  }
  return target.pid;
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

std::vector<std::shared_ptr<const ContainerRecord>> ContainerManager::List() {
  std::vector<std::shared_ptr<const ContainerRecord>> out = Snapshots();
  for (auto& record : out) {
    if (auto current = Refreshed(record)) record = std::move(current);  // removed: as it was
  }
  return out;
}

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
  record.started_unix_nano = started_at;
  CRIA_RETURN_IF_ERROR(Persist(record), "StartContainer");
  log::Info("container started", {{"container", id}, {"pid", record.pid}});
  return OkStatus();
}

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
  RecordUnknownExit(record, killed);
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
  std::error_code ec;
  fs::remove_all(record.bundle, ec);
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

Result<ExecResult> ContainerManager::ExecSync(const std::string& id,
                                              const std::vector<std::string>& cmd,
                                              int64_t timeout_seconds) {
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "ExecSync");
  if (record.state != ContainerState::kRunning) {
    return Status(StatusCode::kFailedPrecondition, "ExecSync: container " + id + " is not running");
  }
  if (cmd.empty()) return Status(StatusCode::kInvalidArgument, "ExecSync: no command");
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler), "ExecSync");
  CRIA_ASSIGN_OR_RETURN(std::string config, ReadConfigJson(record), "ExecSync");
  CRIA_ASSIGN_OR_RETURN(std::string process, oci::ExecProcessJson(config, cmd),
                        "ExecSync in " + id);
  CRIA_ASSIGN_OR_RETURN(process::Outcome outcome,
                        cli.Exec(id, process, record.bundle, std::chrono::seconds(timeout_seconds),
                                 kExecSyncOutputBudget),
                        "ExecSync");
  ExecResult result{outcome.exit_code, std::move(outcome.out), std::move(outcome.err)};
  if (outcome.timed_out) {
    // As CRI-O: the partial output, exit code -1 and a note on stderr.
    result.exit_code = -1;
    result.err += "command timed out after " + std::to_string(timeout_seconds) + "s\n";
  } else if (outcome.signal != 0) {
    result.exit_code = 128 + outcome.signal;
  }
  FitExecOutput(result.out, result.err, kExecSyncOutputBudget);
  return result;
}

Status ContainerManager::Update(const std::string& id,
                                const ::runtime::v1::LinuxContainerResources& resources) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> container_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "UpdateContainerResources");
  if (record.state != ContainerState::kRunning && record.state != ContainerState::kCreated) {
    return Status(StatusCode::kFailedPrecondition,
                  "UpdateContainerResources: container " + id + " has exited");
  }
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::UpdateResourcesJson(resources, options_.host),
                        "UpdateContainerResources " + id);
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler),
                        "UpdateContainerResources");
  if (record.state == ContainerState::kCreated) {
    return Status(StatusCode::kFailedPrecondition,
                  "UpdateContainerResources: container " + id + " has not started");
  }
  CRIA_RETURN_IF_ERROR(cli.Update(id, json), "");
  // What ContainerStatus reports as the container's resources from now on.
  *record.config.mutable_linux()->mutable_resources() =
      spec::MergeResourceUpdate(record.config.linux().resources(), resources);
  return Annotate(Persist(record), "UpdateContainerResources");
}

Status ContainerManager::ReopenLog(const std::string& id) {
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "ReopenContainerLog");
  if (record.state != ContainerState::kRunning) {
    return Status(StatusCode::kFailedPrecondition,
                  "ReopenContainerLog: container " + id + " is not running");
  }
  return Annotate(oci::ReopenLog(record.bundle, record.log_path), "ReopenContainerLog " + id);
}

}  // namespace cria::runtime::containers

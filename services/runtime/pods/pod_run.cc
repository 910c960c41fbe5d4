// RunPodSandbox: the request checked, the name reserved, the run dir, /dev/shm, the IPC
// and UTS namespaces (cria-pinns), the network (cria-network, in parallel), the pod's
// files, the infra process when the PID namespace is shared, the record; undone step by
// step on failure.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "libs/clock/unix_time.h"
#include "libs/ids/random_id.h"
#include "libs/log/log.h"
#include "libs/process/process.h"
#include "libs/undo/undo_stack.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/pods/pod_manager.h"
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
  return Annotate(spec::CgroupsPath(config.linux().cgroup_parent(), driver, "pod").status(),
                  "RunPodSandbox");
}

// Appends `--sysctl KEY=VALUE` to cria-pinns' `argv` for each net.* sysctl of `sysctls`
// (network) or each of the others.
void AppendSysctls(const std::map<std::string, std::string>& sysctls, bool network,
                   std::vector<std::string>& argv) {
  for (const auto& [key, value] : sysctls) {
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

Result<std::string> PodManager::Run(const ::runtime::v1::PodSandboxConfig& config,
                                    const std::string& runtime_handler,
                                    std::chrono::system_clock::time_point caller_deadline) {
  CRIA_RETURN_IF_ERROR(CheckConfig(config, options_.cgroup_driver), "");
  // Checked before anything is made: cria-pinns writes the IPC and UTS ones, and a sysctl
  // that is not namespaced, or whose namespace is the host's, would change the whole node.
  const auto& ns = config.linux().security_context().namespace_options();
  CRIA_ASSIGN_OR_RETURN(
      auto sysctls,
      spec::PodSysctls(options_.default_sysctls, config.linux().sysctls(),
                       ns.network() == ::runtime::v1::NODE, ns.ipc() == ::runtime::v1::NODE),
      "RunPodSandbox");
  if (auto missing = options_.missing_handlers.find(runtime_handler);
      missing != options_.missing_handlers.end()) {
    // Configured, so not the request's mistake: this node cannot run it.
    return Status(StatusCode::kFailedPrecondition, "RunPodSandbox: runtime handler \"" +
                                                       runtime_handler +
                                                       "\" is not usable: " + missing->second);
  }
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
  if (std::optional<std::string> late = TakeLateRun(name, caller_deadline)) {
    log::Info("a retried RunPodSandbox gets the pod made after its first call gave up",
              {{"pod", *late}, {"name", name}});
    return *late;
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
  AppendSysctls(sysctls, /*network=*/false, pinns);
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
    AppendSysctls(sysctls, /*network=*/true, net_sysctls);
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
  // The caller may not get this answer: the pod is kept for its retry of the same name.
  // Marked before the record is there, which is when a waiting retry looks (a failure of
  // the record releases the name, and the mark with it).
  if (ids::AnswerMayBeLate(caller_deadline)) {
    names_.MarkLate(record.id);
    log::Info("pod ready at or after its caller's deadline, kept for the retry",
              {{"pod", record.id}});
  }
  CRIA_RETURN_IF_ERROR(Persist(record), what);
  undo.Commit();
  log::Info("pod ready", {{"pod", record.id}, {"name", name}});
  return record.id;
}

std::optional<std::string> PodManager::TakeLateRun(
    const std::string& name, std::chrono::system_clock::time_point caller_deadline) {
  using Clock = std::chrono::system_clock;
  // A second before the retry's own deadline it stops waiting, to answer in time.
  const Clock::time_point stop = caller_deadline == Clock::time_point::max()
                                     ? caller_deadline
                                     : caller_deadline - std::chrono::seconds(1);
  for (;;) {
    std::optional<std::string> holder = names_.Holder(name);
    if (!holder) return std::nullopt;  // free: the first call failed, or there was none
    if (Result<PodState> state = StateOf(*holder); state.ok()) {
      // Done. Late, and still READY: the retry's; otherwise the name is simply taken.
      std::optional<std::string> late = names_.TakeLate(name, caller_deadline);
      if (late == holder && *state == PodState::kReady) return late;
      return std::nullopt;
    }
    if (Clock::now() >= stop) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace cria::runtime::pods

#include "services/runtime/pods/infra.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/log/log.h"
#include "libs/process/process.h"
#include "libs/records/atomic_file.h"
#include "services/runtime/oci/conmon.h"
#include "services/runtime/oci/runtime_cli.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/spec/pause_spec.h"
#include "services/runtime/spec/resources.h"
#include "services/runtime/spec/spec_json.h"

namespace cria::runtime::pods {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string InfraRunner::RootFor(const std::string& handler) const {
  return options_.runtime_root_dir + "/" + (handler.empty() ? "default" : handler);
}

Status InfraRunner::Start(PodRecord& pod) {
  const std::string what = "start the infra process of pod " + pod.id;
  auto runtime = options_.runtimes.find(pod.runtime_handler);
  if (runtime == options_.runtimes.end()) {
    return Status(StatusCode::kInvalidArgument,
                  what + ": unknown runtime handler \"" + pod.runtime_handler + "\"");
  }
  const std::string bundle = pod.dir + "/infra";
  const std::string rootfs = bundle + "/rootfs";
  std::error_code ec;
  fs::create_directories(rootfs, ec);
  if (ec) return ErrnoStatus(ec.value(), what + ": create " + rootfs);
  fs::copy_file(options_.pause, rootfs + "/cria-pause", fs::copy_options::overwrite_existing, ec);
  if (ec) return ErrnoStatus(ec.value(), what + ": copy " + options_.pause);
  chmod((rootfs + "/cria-pause").c_str(), 0755);

  spec::PreparedPause prepared;
  prepared.pod_id = pod.id;
  prepared.rootfs = rootfs;
  prepared.cgroup_parent = pod.config.linux().cgroup_parent();
  prepared.cgroup_driver = options_.cgroup_driver;
  prepared.namespaces.network = pod.net_ns;
  prepared.namespaces.ipc = pod.ipc_ns;
  prepared.namespaces.uts = pod.uts_ns;
  CRIA_ASSIGN_OR_RETURN(spec::GeneratedPauseSpec generated,
                        spec::GeneratePauseSpec(pod.config, prepared, options_.host), what);
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::SpecToJson(generated.spec), what);
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(bundle + "/config.json", json, 0600,
                                                records::Durability::kUntilReboot),
                       what);

  oci::RuntimeCli cli(runtime->second, RootFor(pod.runtime_handler));
  fs::create_directories(cli.root(), ec);
  const std::string id = InfraId(pod);
  oci::ConmonRequest request;
  request.conmon = options_.conmon;
  request.runtime = cli.path();
  request.runtime_root = cli.root();
  request.container_id = id;
  request.name = "infra";
  request.bundle = bundle;
  request.exit_dir = exits_.dir();
  request.log_path = bundle + "/infra.log";
  request.socket_dir = bundle;
  request.conmon_pidfile = bundle + "/conmon.pid";
  request.systemd_cgroup = options_.cgroup_driver == cgroups::Driver::kSystemd;
  request.conmon_cgroup_procs = options_.conmon_cgroup_procs;
  CRIA_ASSIGN_OR_RETURN(oci::ConmonStarted started, oci::CreateWithConmon(request), what);
  Status s = cli.Start(id);
  const std::string pin = options_.ns_dir + "/pid/" + pod.id;
  if (s.ok()) {
    fs::create_directories(options_.ns_dir + "/pid", ec);
    int fd = ::open(pin.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0400);
    if (fd >= 0) ::close(fd);
    const std::string source = "/proc/" + std::to_string(started.container_pid) + "/ns/pid";
    if (mount(source.c_str(), pin.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      s = ErrnoStatus(errno, what + ": pin " + source + " at " + pin);
      ::unlink(pin.c_str());
    }
  }
  if (!s.ok()) {
    (void)cli.Delete(id, true);
    return s;
  }
  pod.pid_ns = pin;
  pod.infra_pid = started.container_pid;
  log::Info("pod infra process started", {{"pod", pod.id}, {"pid", pod.infra_pid}});
  return OkStatus();
}

Status InfraRunner::Stop(PodRecord& pod) {
  if (pod.pid_ns.empty() || pod.infra_pid == 0) return OkStatus();  // none, or stopped
  auto runtime = options_.runtimes.find(pod.runtime_handler);
  if (runtime == options_.runtimes.end()) return OkStatus();
  oci::RuntimeCli cli(runtime->second, RootFor(pod.runtime_handler));
  const std::string id = InfraId(pod);
  if (!oci::ReadExitCode(exits_.dir(), id).ok()) {
    (void)cli.Kill(id, SIGKILL, true);
    // conmon writes the exit file once it has reaped cria-pause (within milliseconds of
    // SIGKILL); wait for it, so it is not written after its removal below. Not for long: a
    // conmon that died with cria-pause never writes it.
    (void)exits_.Wait(id, std::chrono::seconds(2));
  }
  CRIA_RETURN_IF_ERROR(cli.Delete(id, true), "stop the infra process of pod " + pod.id);
  ::unlink((exits_.dir() + "/" + id).c_str());
  pod.infra_pid = 0;
  return OkStatus();
}

bool InfraRunner::Exited(const PodRecord& pod) const {
  if (pod.pid_ns.empty() || pod.infra_pid <= 0) return false;  // none, or stopped
  if (::access((exits_.dir() + "/" + InfraId(pod)).c_str(), F_OK) == 0) return true;
  return process::ProcessGone(pod.infra_pid);  // conmon died with it
}

Status InfraRunner::Update(const PodRecord& pod,
                           const ::runtime::v1::LinuxContainerResources& resources) {
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::UpdateResourcesJson(resources, options_.host),
                        "pod " + pod.id);
  if (pod.pid_ns.empty() || pod.infra_pid == 0) return OkStatus();
  auto runtime = options_.runtimes.find(pod.runtime_handler);
  if (runtime == options_.runtimes.end()) {
    return Status(StatusCode::kFailedPrecondition,
                  "pod " + pod.id + ": runtime handler " + pod.runtime_handler + " is gone");
  }
  oci::RuntimeCli cli(runtime->second, RootFor(pod.runtime_handler));
  return Annotate(cli.Update(InfraId(pod), json), "update the infra process of pod " + pod.id);
}

Status InfraRunner::Remove(PodRecord& pod) {
  CRIA_RETURN_IF_ERROR(Stop(pod), "");
  CRIA_RETURN_IF_ERROR(UnpinNamespace(pod.pid_ns), "remove pod " + pod.id);
  pod.pid_ns.clear();
  return OkStatus();
}

Status InfraRunner::RemoveLeftover(const std::string& pod_id) {
  PodRecord pod;
  pod.id = pod_id;
  pod.pid_ns = options_.ns_dir + "/pid/" + pod_id;
  for (const auto& [handler, binary] : options_.runtimes) {
    pod.runtime_handler = handler;
    oci::RuntimeCli cli(binary, RootFor(handler));
    if (cli.State(InfraId(pod)).status().code() == StatusCode::kNotFound) continue;
    pod.infra_pid = -1;  // whatever it was: Stop kills and deletes it
    CRIA_RETURN_IF_ERROR(Stop(pod), "");
  }
  return UnpinNamespace(pod.pid_ns);
}

}  // namespace cria::runtime::pods

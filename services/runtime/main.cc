// cria-runtime: pods and containers, the CRI RuntimeService (DESIGN.md section 1).
#include <map>

#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "libs/process/process.h"
#include "libs/rpc/client.h"
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/cgroups/conmon_cgroup.h"
#include "services/runtime/clients/dependencies.h"
#include "services/runtime/clients/image_storage_client.h"
#include "services/runtime/clients/network_client.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/containers/orphan_collector.h"
#include "services/runtime/oci/runtime_binary.h"
#include "services/runtime/pods/pod_manager.h"
#include "services/runtime/server/info_service.h"
#include "services/runtime/server/runtime_service.h"
#include "services/runtime/spec/host_detect.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/node_defaults.h"

namespace {

// A helper binary as configured (oci::FindHelperBinary); when it is not there, the name as
// it is: cria-runtime still serves, Status says what is missing, and the calls that need
// it fail naming it.
std::string FindHelper(const std::string& name) {
  cria::Result<std::string> found = cria::runtime::oci::FindHelperBinary(name);
  if (found.ok()) return *found;
  cria::log::Warn("helper binary not found", {{"error", found.status()}});
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  namespace config = cria::config;
  cria::daemon::Daemon daemon(config::Daemon::kRuntime, "cria.runtime.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  const config::Config& cfg = daemon.config();
  cria::runtime::clients::Dependencies dependencies(cfg);
  cria::runtime::clients::NetworkClient network(
      cria::rpc::UnixChannel(config::SocketPath(cfg, config::Daemon::kNetwork)));

  namespace pods = cria::runtime::pods;
  namespace containers = cria::runtime::containers;
  const std::string state_dir = config::StateDir(cfg, config::Daemon::kRuntime);
  const std::string run_dir = cfg.common.run_dir + "/runtime";

  // The OCI runtimes of the handlers, and what the host allows containers.
  std::map<std::string, std::string> runtimes;
  std::map<std::string, std::string> missing_handlers;
  for (const std::string& handler : cfg.runtime.runtime_handlers) {
    size_t eq = handler.find('=');
    std::string name = handler.substr(0, eq);
    std::string binary = eq == std::string::npos ? name : handler.substr(eq + 1);
    if (auto found = cria::runtime::oci::FindRuntimeBinary(binary); found.ok()) {
      runtimes[name] = *found;
    } else {
      cria::log::Warn("runtime handler not usable", {{"handler", name}, {"error", found.status()}});
      missing_handlers[name] = cria::MessageOf(found.status());
    }
  }
  if (auto found = cria::runtime::oci::FindRuntimeBinary(cfg.runtime.default_runtime); found.ok()) {
    runtimes[""] = *found;
  }
  auto host = cria::runtime::spec::DetectHostFacts();
  if (!host.ok()) {
    cria::log::Error("cannot inspect the host", {{"error", host.status()}});
    return 1;
  }
  // The operator's defaults: one that every pod or container would fail on stops the start.
  auto defaults = cria::runtime::spec::LoadNodeDefaults(cfg.runtime, *host);
  if (!defaults.ok()) {
    cria::log::Error("bad runtime configuration", {{"error", defaults.status()}});
    return 1;
  }
  cria::runtime::spec::ApplyNodeDefaults(*defaults, *host);
  if (host->oom_score_adj_floor > -1000) {
    cria::log::Info("no CAP_SYS_RESOURCE: container oom_score_adj is clamped",
                    {{"floor", host->oom_score_adj_floor}});
  }
  const auto cgroup_driver = cria::runtime::cgroups::ResolveDriver(cfg.runtime.cgroup_driver);
  const std::string conmon = FindHelper(cfg.runtime.conmon_path);
  auto conmon_cgroup = cria::runtime::cgroups::PrepareConmonCgroups();
  if (!conmon_cgroup.ok()) {
    cria::log::Error("cannot prepare conmon's cgroup", {{"error", conmon_cgroup.status()}});
    return 1;
  }

  // conmon's exit files, and the one watch every stop waits on.
  auto exits = cria::runtime::oci::ExitWatcher::Start(run_dir + "/exits");
  if (!exits.ok()) {
    cria::log::Error("cannot watch the exit file directory", {{"error", exits.status()}});
    return 1;
  }

  pods::InfraOptions infra_options;
  infra_options.conmon = conmon;
  infra_options.pause = FindHelper(cfg.runtime.pause_path);
  infra_options.runtimes = runtimes;
  infra_options.runtime_root_dir = run_dir + "/oci";
  infra_options.ns_dir = cfg.common.run_dir + "/ns";
  infra_options.cgroup_driver = cgroup_driver;
  infra_options.conmon_cgroup_procs = *conmon_cgroup;
  infra_options.host = *host;
  pods::InfraRunner infra(infra_options, **exits);

  pods::PodManagerOptions options;
  options.cgroup_driver = cgroup_driver;
  options.node_hostname = host->node_hostname;
  options.state_dir = state_dir;
  options.run_dir = run_dir;
  options.ns_dir = cfg.common.run_dir + "/ns";
  options.pinns = FindHelper(cfg.runtime.pinns_path);
  for (const std::string& handler : cfg.runtime.runtime_handlers) {
    const std::string name = handler.substr(0, handler.find('='));
    if (runtimes.count(name) != 0) options.handlers.push_back(name);  // in the config's order
  }
  options.missing_handlers = missing_handlers;
  options.default_sysctls = defaults->sysctls;
  pods::PodManager pod_manager(options, network, &infra);
  if (cria::Status s = pod_manager.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the pod store", {{"error", s}});
    return 1;
  }
  pod_manager.Recover();

  cria::runtime::clients::ImageClient images(
      cria::rpc::UnixChannel(config::SocketPath(cfg, config::Daemon::kImage)));
  cria::runtime::clients::StorageClient storage(
      cria::rpc::UnixChannel(config::SocketPath(cfg, config::Daemon::kStorage)));
  containers::ContainerManagerOptions container_options;
  container_options.state_dir = state_dir;
  container_options.run_dir = run_dir;
  container_options.conmon = conmon;
  container_options.cgroup_driver = cgroup_driver;
  container_options.conmon_cgroup_procs = *conmon_cgroup;
  container_options.runtimes = runtimes;
  container_options.host = *host;
  container_options.cdi_spec_dirs = cfg.runtime.cdi_spec_dirs;
  container_options.rlimits = defaults->rlimits;
  container_options.ignore_image_volumes = cfg.runtime.ignore_image_defined_volumes;
  containers::ContainerManager container_manager(container_options, pod_manager, images, storage,
                                                 **exits);
  if (cria::Status s = container_manager.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the container store", {{"error", s}});
    return 1;
  }
  container_manager.Recover();
  pod_manager.SetContainerHooks(
      [&](const std::string& pod) { return container_manager.StopPod(pod); },
      [&](const std::string& pod) { return container_manager.RemovePod(pod); });

  cria::runtime::RuntimeService cri(cfg, dependencies, pod_manager, container_manager);
  cria::runtime::InfoService info(daemon.identity());
  daemon.server().AddService(&cri);
  daemon.server().AddService(&info);

  // cria-storage and cria-network may start after us: what a crash left in them is
  // collected once they answer.
  containers::OrphanCollector rootfs_collector(
      "orphan root filesystems", [&] { return container_manager.CollectOrphanRootfs(); });
  containers::OrphanCollector network_collector(
      "networks of interrupted pods", [&] { return pod_manager.CollectOrphanNetworks(); });
  return daemon.Serve();
}

// cria-runtime: pods and containers, the CRI RuntimeService (DESIGN.md section 1).
#include <filesystem>

#include "libs/daemon/daemon.h"
#include "libs/log/log.h"
#include "libs/process/process.h"
#include "libs/rpc/client.h"
#include "services/runtime/clients/dependencies.h"
#include "services/runtime/clients/network_client.h"
#include "services/runtime/pods/pod_manager.h"
#include "services/runtime/server/info_service.h"
#include "services/runtime/server/runtime_service.h"

namespace {

// A helper binary by name: PATH first, then beside cria-runtime (a build tree or an
// install into one directory).
std::string FindHelper(const std::string& name) {
  if (auto found = cria::process::FindExecutable(name); found.ok()) return *found;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  for (const auto& dir : {self.parent_path(), self.parent_path() / "../../tools" / name}) {
    if (std::filesystem::exists(dir / name, ec)) return dir / name;
  }
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

  cria::runtime::pods::PodManagerOptions options;
  options.state_dir = config::StateDir(cfg, config::Daemon::kRuntime);
  options.run_dir = cfg.common.run_dir + "/runtime";
  options.ns_dir = cfg.common.run_dir + "/ns";
  options.pinns = FindHelper(cfg.runtime.pinns_path);
  for (const std::string& handler : cfg.runtime.runtime_handlers) {
    options.handlers.push_back(handler.substr(0, handler.find('=')));
  }
  cria::runtime::pods::PodManager pods(options, network);
  if (cria::Status s = pods.Init(); !s.ok()) {
    cria::log::Error("cannot prepare the pod store", {{"error", s}});
    return 1;
  }
  pods.Recover();

  cria::runtime::RuntimeService cri(cfg, dependencies, pods);
  cria::runtime::InfoService info(daemon.identity());
  daemon.server().AddService(&cri);
  daemon.server().AddService(&info);
  return daemon.Serve();
}

#include "libs/config/config.h"

namespace cria::config {

const char* DaemonName(Daemon daemon) {
  switch (daemon) {
    case Daemon::kGateway:
      return "cria-gateway";
    case Daemon::kImage:
      return "cria-image";
    case Daemon::kStorage:
      return "cria-storage";
    case Daemon::kNetwork:
      return "cria-network";
    case Daemon::kRuntime:
      return "cria-runtime";
  }
  return "cria";
}

namespace {
const char* ShortName(Daemon daemon) {
  switch (daemon) {
    case Daemon::kGateway:
      return "gateway";
    case Daemon::kImage:
      return "image";
    case Daemon::kStorage:
      return "storage";
    case Daemon::kNetwork:
      return "network";
    case Daemon::kRuntime:
      return "runtime";
  }
  return "cria";
}
}  // namespace

std::string SocketPath(const Config& config, Daemon daemon) {
  if (daemon == Daemon::kGateway) {
    if (!config.gateway.cri_socket.empty()) return config.gateway.cri_socket;
    return config.common.run_dir + "/cria.sock";
  }
  return config.common.run_dir + "/" + ShortName(daemon) + ".sock";
}

std::string StateDir(const Config& config, Daemon daemon) {
  return config.common.state_dir + "/" + ShortName(daemon);
}

}  // namespace cria::config

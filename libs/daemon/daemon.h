// What every cria daemon's main() shares: command-line flags (--config, --config-dir,
// --state-dir, --run-dir, --log-level, --print-config, --version), loading and checking
// the configuration, logging, its gRPC server on its socket, sd_notify, and a graceful
// stop on SIGTERM/SIGINT. A main.cc creates a Daemon, wires its services, and Serves.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "libs/config/config.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/server.h"

namespace cria::daemon {

class Daemon {
 public:
  Daemon(config::Daemon which, std::string api_version);

  // Parses flags and loads the configuration. Returns an exit code when main should
  // return at once (--help, --version, --print-config, or a bad flag or config, which is
  // reported on stderr naming file, key and reason); nullopt to go on.
  std::optional<int> Init(int argc, char** argv);

  const config::Config& config() const { return config_; }
  const Identity& identity() const { return identity_; }
  rpc::Server& server() { return server_; }

  // Creates the daemon's state subtree (not for the gateway), serves on its socket until
  // SIGTERM or SIGINT, then stops within common.shutdown_grace_period. Returns the exit
  // code. Internal sockets are 0600; the gateway passes the CRI socket's options.
  int Serve();
  int Serve(const rpc::SocketOptions& socket);

 private:
  config::Daemon which_;
  Identity identity_;
  config::Config config_;
  rpc::Server server_;
};

}  // namespace cria::daemon

#include "libs/daemon/daemon.h"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <filesystem>
#include <iostream>

#include "libs/config/loader.h"
#include "libs/log/log.h"
#include "libs/version/version.h"

namespace cria::daemon {

Daemon::Daemon(config::Daemon which, std::string api_version)
    : which_(which),
      identity_(MakeIdentity(which, std::move(api_version))),
      server_(config::DaemonName(which)) {
  // Before gRPC starts any thread: shutdown signals are taken by sigwait only.
  rpc::BlockShutdownSignals();
}

std::optional<int> Daemon::Init(int argc, char** argv) {
  const std::string name = identity_.name;
  CLI::App app{name + " " + kVersion + ": part of cria, a Kubernetes container runtime"};
  config::Sources sources;
  config::Overrides overrides;
  std::string state_dir, run_dir, log_level;
  bool print_config = false, version = false;
  auto* config_opt =
      app.add_option("--config", sources.file, "Main configuration file")->capture_default_str();
  app.add_option("--config-dir", sources.drop_in_dir,
                 "Drop-in directory: *.yaml merged in lexical order after --config")
      ->capture_default_str();
  auto* state_opt = app.add_option("--state-dir", state_dir, "Overrides common.state_dir");
  auto* run_opt = app.add_option("--run-dir", run_dir, "Overrides common.run_dir");
  auto* level_opt = app.add_option("--log-level", log_level,
                                   "Overrides common.log_level (error, warn, info, debug, trace)");
  app.add_flag("--print-config", print_config, "Print the effective configuration and exit");
  app.add_flag("--version", version, "Print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << name << " version " << kVersion << "\n";
    return 0;
  }
  sources.file_required = config_opt->count() > 0;
  if (state_opt->count() > 0) overrides.state_dir = state_dir;
  if (run_opt->count() > 0) overrides.run_dir = run_dir;
  if (level_opt->count() > 0) overrides.log_level = log_level;

  Result<config::Loaded> loaded = config::Load(sources, overrides);
  if (!loaded.ok()) {
    std::cerr << name << ": invalid configuration: " << MessageOf(loaded.status()) << "\n";
    return 2;
  }
  if (print_config) {
    std::cout << config::Print(*loaded);
    return 0;
  }
  config_ = loaded->config;
  log::SetDaemonName(name);
  log::SetLevel(log::ParseLevel(config_.common.log_level).value());
  for (const std::string& file : loaded->files) log::Info("read config", {{"file", file}});
  return std::nullopt;
}

int Daemon::Serve() {
  return Serve(rpc::SocketOptions{config::SocketPath(config_, which_), 0600, ""});
}

int Daemon::Serve(const rpc::SocketOptions& socket) {
  if (which_ != config::Daemon::kGateway) {
    std::string dir = config::StateDir(config_, which_);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || chmod(dir.c_str(), 0700) != 0) {
      log::Error("cannot create state directory",
                 {{"dir", dir}, {"error", ec ? ec.message() : std::strerror(errno)}});
      return 1;
    }
  }
  Status started = server_.Start(socket);
  if (!started.ok()) {
    log::Error("cannot start serving", {{"socket", socket.path}, {"error", started}});
    sd_notifyf(0, "STATUS=cannot serve on %s", socket.path.c_str());
    return 1;
  }
  log::Info(
      "serving",
      {{"socket", socket.path}, {"version", identity_.version}, {"api", identity_.api_version}});
  sd_notifyf(0, "READY=1\nSTATUS=serving on %s", socket.path.c_str());
  int sig = rpc::WaitForShutdownSignal();
  log::Info("stopping", {{"signal", strsignal(sig)},
                         {"grace_period_ms", config_.common.shutdown_grace_period.count()}});
  sd_notify(0, "STOPPING=1");
  server_.Shutdown(config_.common.shutdown_grace_period);
  log::Info("stopped");
  return 0;
}

}  // namespace cria::daemon

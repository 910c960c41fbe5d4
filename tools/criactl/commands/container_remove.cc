// criactl rm: remove containers and their log files (crictl rm); --force stops a running
// container first.
#include <filesystem>
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
namespace fs = std::filesystem;

struct RmOptions {
  std::vector<std::string> ids;
  bool force = false;
  bool all = false;
  bool keep_logs = false;
};

// The log file and its rotations (<path>.*), as crictl removes them.
void RemoveLogs(Verb& verb, const std::string& id, const std::string& log_path) {
  if (log_path.empty()) return;
  fs::path path(log_path);
  std::vector<fs::path> files = {path};
  std::error_code ec;
  const std::string prefix = path.filename().string() + ".";
  for (const auto& entry : fs::directory_iterator(path.parent_path(), ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) files.push_back(entry.path());
  }
  for (const fs::path& file : files) {
    if (!fs::remove(file, ec) && ec) {
      std::cerr << "criactl " << verb.name << ": removing log file " << file.string()
                << " for container \"" << id << "\" failed: " << ec.message() << "\n";
    }
  }
}

bool RemoveOne(Verb& verb, const std::string& id, const RmOptions& options) {
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  cri::ContainerStatusResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().ContainerStatus(ctx.get(), request, &response);
  if (!s.ok()) {
    ReportRpcError(verb, "getting container status \"" + id + "\"", s);
    return false;
  }
  if (response.status().state() == cri::CONTAINER_RUNNING) {
    if (!options.force) {
      ReportError(verb, "container \"" + id + "\" is running, please stop it first");
      return false;
    }
    s = StopContainer(verb, id, 0);
    if (!s.ok()) {
      ReportRpcError(verb, "stopping the container \"" + id + "\"", s);
      return false;
    }
  }
  s = RemoveContainer(verb, id);
  if (!s.ok()) {
    ReportRpcError(verb, "removing container \"" + id + "\"", s);
    return false;
  }
  if (!options.keep_logs) RemoveLogs(verb, id, response.status().log_path());
  return true;
}

int RunRm(Verb& verb, const RmOptions& options) {
  std::vector<std::string> ids = options.ids;
  if (options.all) {
    cri::ListContainersResponse list;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().ListContainers(ctx.get(), {}, &list);
    if (!s.ok()) return ReportRpcError(verb, "listing containers", s);
    ids.clear();
    for (const auto& c : list.containers()) ids.push_back(c.id());
    if (ids.empty()) {
      std::cerr << "No containers to remove\n";
      return 0;
    }
  }
  if (ids.empty()) return ReportError(verb, "no container given (CONTAINER-ID [...] or --all)");
  bool failed = false;
  for (const std::string& id : ids) failed |= !RemoveOne(verb, id, options);
  return failed ? 1 : 0;
}

}  // namespace

void AddRmCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<RmOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "rm", "Remove one or more containers", "table", {},
                          [options](Verb& verb) { return RunRm(verb, *options); });
  cmd->add_option("container-id", options->ids, "CONTAINER-ID [CONTAINER-ID...]");
  cmd->add_flag("-f,--force", options->force,
                "Force removal of the container, disregarding if running");
  cmd->add_flag("-k,--keep-logs", options->keep_logs,
                "Preserve the container log file and its rotations");
  cmd->add_flag("-a,--all", options->all, "Remove all containers");
}

}  // namespace cria::criactl

// criactl stop: stop running containers (crictl stop).
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct StopOptions {
  std::vector<std::string> ids;
  int64_t timeout = 0;
  bool all = false;
};

int RunStop(Verb& verb, const StopOptions& options) {
  if (options.all && !options.ids.empty()) {
    return ReportError(verb, "cannot specify CONTAINER-ID(s) when using --all");
  }
  std::vector<std::string> ids = options.ids;
  if (options.all) {
    ContainerListFlags running;
    running.state = "running";
    Result<std::vector<::runtime::v1::Container>> list = ListContainers(verb, running);
    if (!list.ok()) return ReportError(verb, "listing containers: " + MessageOf(list.status()));
    if (list->empty()) {
      std::cout << "No running containers found." << std::endl;
      return 0;
    }
    for (const auto& c : *list) ids.push_back(c.id());
  }
  if (ids.empty())
    return ReportError(verb, "you must specify at least one CONTAINER-ID or use --all");
  for (const std::string& id : ids) {
    grpc::Status s = StopContainer(verb, id, options.timeout);
    if (!s.ok()) return ReportRpcError(verb, "stopping the container \"" + id + "\"", s);
  }
  return 0;
}

}  // namespace

void AddStopCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<StopOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "stop", "Stop one or more running containers", "table",
                          {}, [options](Verb& verb) { return RunStop(verb, *options); });
  cmd->add_option("container-id", options->ids, "CONTAINER-ID [CONTAINER-ID...]");
  cmd->add_option("-t,--timeout", options->timeout,
                  "Seconds to wait to kill the container after a graceful stop is requested");
  cmd->add_flag("-a,--all", options->all, "Stop all running containers");
}

}  // namespace cria::criactl

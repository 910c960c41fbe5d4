// criactl runp: run a pod from a pod config file (crictl runp).
#include <iostream>

#include "tools/criactl/client/config_file.h"
#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct RunpOptions {
  std::string config;
  std::string handler;
  CreateFlags timeout;  // only -T/--cancel-timeout is used
};

int RunRunp(Verb& verb, const RunpOptions& options) {
  Result<std::chrono::milliseconds> deadline = CancelTimeout(options.timeout);
  if (!deadline.ok()) return ReportError(verb, MessageOf(deadline.status()));
  Result<::runtime::v1::PodSandboxConfig> config = LoadPodSandboxConfig(options.config);
  if (!config.ok())
    return ReportError(verb, "load podSandboxConfig: " + MessageOf(config.status()));
  std::string id;
  grpc::Status s = RunPod(verb, *config, options.handler, *deadline, &id);
  if (!s.ok()) return ReportRpcError(verb, "run pod sandbox", s);
  std::cout << id << std::endl;
  return 0;
}

}  // namespace

void AddRunpCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<RunpOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "runp", "Run a new pod", "table", {},
                          [options](Verb& verb) { return RunRunp(verb, *options); });
  cmd->add_option("pod-config", options->config, "pod-config.[json|yaml]: the CRI PodSandboxConfig")
      ->required();
  cmd->add_option("-r,--runtime", options->handler,
                  "Runtime handler to use. Available options are defined by the container "
                  "runtime.");
  cmd->add_option("-T,--cancel-timeout", options->timeout.cancel_timeout,
                  "Time to wait for the request to complete before cancelling it (e.g. 30s); "
                  "default: twice --timeout");
}

}  // namespace cria::criactl

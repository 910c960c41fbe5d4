// criactl stopp: stop pods (crictl stopp).
#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

int RunStopp(Verb& verb, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    grpc::Status s = StopPod(verb, id);
    if (!s.ok()) return ReportRpcError(verb, "stopping the pod sandbox \"" + id + "\"", s);
  }
  return 0;
}

}  // namespace

void AddStoppCommand(CLI::App& app, Invocation& invocation) {
  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = AddVerb(app, invocation, "stopp", "Stop one or more running pods", "table", {},
                          [ids](Verb& verb) { return RunStopp(verb, *ids); });
  cmd->add_option("pod-id", *ids, "POD-ID [POD-ID...]")->required();
}

}  // namespace cria::criactl

// criactl start: start created containers (crictl start).
#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

int RunStart(Verb& verb, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    grpc::Status s = StartContainer(verb, id);
    if (!s.ok()) return ReportRpcError(verb, "starting the container \"" + id + "\"", s);
  }
  return 0;
}

}  // namespace

void AddStartCommand(CLI::App& app, Invocation& invocation) {
  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = AddVerb(app, invocation, "start", "Start one or more created containers", "table",
                          {}, [ids](Verb& verb) { return RunStart(verb, *ids); });
  cmd->add_option("container-id", *ids, "CONTAINER-ID [CONTAINER-ID...]")->required();
}

}  // namespace cria::criactl

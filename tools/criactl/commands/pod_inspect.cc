// criactl inspectp: the status of pods (crictl inspectp), with the runtime's verbose info.

#include "tools/criactl/commands/runtime_calls.h"
#include "tools/criactl/commands/status_printer.h"
#include "tools/criactl/output/runtime_status.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

struct InspectpOptions {
  std::vector<std::string> ids;
  PodListFlags list;  // which pods, when no id is given
  bool quiet = false;
};

int RunInspectp(Verb& verb, const InspectpOptions& options) {
  std::vector<std::string> ids = options.ids;
  if (ids.empty()) {
    Result<std::vector<cri::PodSandbox>> pods = ListPods(verb, options.list);
    if (!pods.ok()) return ReportError(verb, "listing pod sandboxes: " + MessageOf(pods.status()));
    for (const auto& pod : *pods) ids.push_back(pod.id());
  }
  if (ids.empty()) return ReportError(verb, "No IDs provided or nothing found per filter");
  const bool verbose = !options.quiet;
  StatusPrinter printer(verb);
  for (const std::string& id : ids) {
    cri::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(id);
    request.set_verbose(verbose);
    cri::PodSandboxStatusResponse response;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().PodSandboxStatus(ctx.get(), request, &response);
    if (!s.ok()) {
      return ReportRpcError(verb, "get the status of pod sandboxes: get pod sandbox status", s);
    }
    printer.Add([&] { return PodStatusTable(response, verbose); },
                [&] { return PodStatusJson(response.status()); }, response);
  }
  return printer.Finish();
}

}  // namespace

void AddInspectpCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<InspectpOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "inspectp", "Display the status of one or more pods",
                          "json", {Format::kJson, Format::kYaml, Format::kTable},
                          [options](Verb& verb) { return RunInspectp(verb, *options); });
  cmd->add_option("pod-id", options->ids,
                  "POD-ID [POD-ID...] (default: the pods the filter flags select)");
  cmd->add_flag("-q,--quiet", options->quiet, "Do not show verbose information");
  AddPodListFlags(cmd, options->list, /*with_id=*/false);
}

}  // namespace cria::criactl

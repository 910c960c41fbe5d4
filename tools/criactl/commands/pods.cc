// criactl pods: list pods (crictl pods).
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"
#include "tools/criactl/output/human_time.h"
#include "tools/criactl/output/pod_table.h"

namespace cria::criactl {
namespace {

struct PodsOptions {
  PodListFlags list;
  bool quiet = false;
  bool verbose = false;
  bool no_trunc = false;
};

int RunPods(Verb& verb, const PodsOptions& options) {
  Result<std::vector<::runtime::v1::PodSandbox>> pods = ListPods(verb, options.list);
  if (!pods.ok()) return ReportError(verb, "listing pod sandboxes: " + MessageOf(pods.status()));
  if (verb.format != Format::kTable) {
    ::runtime::v1::ListPodSandboxResponse response;
    for (auto& pod : *pods) *response.add_items() = std::move(pod);
    PrintStructured(verb.format, ToJson(response));
  } else if (options.quiet) {
    std::cout << PodIds(*pods);
  } else if (options.verbose) {
    std::cout << PodsVerbose(*pods);
  } else {
    std::cout << PodTable(*pods, options.no_trunc, NowUnixNano());
  }
  return 0;
}

}  // namespace

void AddPodsCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<PodsOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "pods", "List pods", "table",
                          {Format::kJson, Format::kYaml, Format::kTable},
                          [options](Verb& verb) { return RunPods(verb, *options); });
  AddPodListFlags(cmd, options->list, /*with_id=*/true);
  cmd->add_flag("-v,--verbose", options->verbose, "Show verbose info for pods");
  cmd->add_flag("-q,--quiet", options->quiet, "List only pod IDs");
  cmd->add_flag("--no-trunc", options->no_trunc, "Show output without truncating the ID");
}

}  // namespace cria::criactl

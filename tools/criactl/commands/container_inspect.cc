// criactl inspect: the status of containers (crictl inspect), with the runtime's verbose
// info (its OCI spec and pid).

#include "tools/criactl/commands/runtime_calls.h"
#include "tools/criactl/commands/status_printer.h"
#include "tools/criactl/output/human_time.h"
#include "tools/criactl/output/runtime_status.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

struct InspectOptions {
  std::vector<std::string> ids;
  ContainerListFlags list;  // which containers, when no id is given
  bool quiet = false;
};

int RunInspect(Verb& verb, const InspectOptions& options) {
  std::vector<std::string> ids = options.ids;
  if (ids.empty()) {
    Result<std::vector<cri::Container>> list = ListContainers(verb, options.list);
    if (!list.ok()) return ReportError(verb, "listing containers: " + MessageOf(list.status()));
    for (const auto& c : *list) ids.push_back(c.id());
  }
  if (ids.empty()) return ReportError(verb, "No IDs provided or nothing found per filter");
  const bool verbose = !options.quiet;
  StatusPrinter printer(verb);
  for (const std::string& id : ids) {
    cri::ContainerStatusRequest request;
    request.set_container_id(id);
    request.set_verbose(verbose);
    cri::ContainerStatusResponse response;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().ContainerStatus(ctx.get(), request, &response);
    if (!s.ok()) {
      return ReportRpcError(verb, "get the status of containers: get container status", s);
    }
    printer.Add([&] { return ContainerStatusTable(response, verbose, NowUnixNano()); },
                [&] { return ContainerStatusJson(response.status()); }, response);
  }
  return printer.Finish();
}

}  // namespace

void AddInspectCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd =
      AddVerb(app, invocation, "inspect", "Display the status of one or more containers", "json",
              {Format::kJson, Format::kYaml, Format::kTable},
              [options](Verb& verb) { return RunInspect(verb, *options); });
  cmd->add_option("container-id", options->ids,
                  "CONTAINER-ID [CONTAINER-ID...] (default: the containers the filter flags "
                  "select)");
  cmd->add_flag("-q,--quiet", options->quiet, "Do not show verbose information");
  AddContainerListFlags(cmd, options->list, /*with_id=*/false);
}

}  // namespace cria::criactl

// criactl ps: list containers (crictl ps); running ones unless -a, --state, -l or -n.
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"
#include "tools/criactl/output/container_table.h"
#include "tools/criactl/output/human_time.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

struct PsOptions {
  ContainerListFlags list;
  bool quiet = false;
  bool verbose = false;
  bool no_trunc = false;
  bool resolve_image_path = false;
};

int RunPs(Verb& verb, const PsOptions& options) {
  Result<std::vector<cri::Container>> containers = ListContainers(verb, options.list);
  if (!containers.ok()) {
    return ReportError(verb, "listing containers: " + MessageOf(containers.status()));
  }
  if (verb.format != Format::kTable) {
    cri::ListContainersResponse response;
    for (auto& c : *containers) *response.add_containers() = std::move(c);
    PrintStructured(verb.format, ToJson(response));
  } else if (options.quiet) {
    std::cout << ContainerIds(*containers);
  } else if (options.verbose) {
    std::cout << ContainersVerbose(*containers, NowUnixNano());
  } else {
    ContainerTableOptions table;
    table.no_trunc = options.no_trunc;
    if (options.resolve_image_path) {
      // crictl's getRepoImage: the image's first repo tag, else the image as given.
      table.resolve_image = [&verb](const std::string& image) {
        cri::ImageStatusRequest request;
        request.mutable_image()->set_image(image);
        cri::ImageStatusResponse response;
        auto ctx = verb.client->Context();
        grpc::Status s = verb.client->image().ImageStatus(ctx.get(), request, &response);
        if (s.ok() && !response.image().repo_tags().empty()) return response.image().repo_tags(0);
        return image;
      };
    }
    std::cout << ContainerTable(*containers, table, NowUnixNano());
  }
  return 0;
}

}  // namespace

void AddPsCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<PsOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "ps", "List containers", "table",
                          {Format::kJson, Format::kYaml, Format::kTable},
                          [options](Verb& verb) { return RunPs(verb, *options); });
  AddContainerListFlags(cmd, options->list, /*with_id=*/true);
  cmd->add_flag("-v,--verbose", options->verbose, "Show verbose information for containers");
  cmd->add_flag("-q,--quiet", options->quiet, "Only display container IDs");
  cmd->add_flag("--no-trunc", options->no_trunc, "Show output without truncating the ID");
  cmd->add_flag("-r,--resolve-image-path", options->resolve_image_path,
                "Show image path instead of image id");
}

}  // namespace cria::criactl

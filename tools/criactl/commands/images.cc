// criactl images: list images (crictl images).
#include <iostream>

#include "tools/criactl/commands/verb.h"
#include "tools/criactl/output/image_table.h"

namespace cria::criactl {
namespace {

struct ImagesOptions {
  std::string image;  // REPOSITORY[:TAG]
  bool quiet = false;
  bool verbose = false;
  ImageTableOptions table;
};

int RunImages(Verb& verb, const ImagesOptions& options) {
  ::runtime::v1::ListImagesRequest request;
  if (!options.image.empty()) {
    request.mutable_filter()->mutable_image()->set_image(options.image);
  }
  ::runtime::v1::ListImagesResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->image().ListImages(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(verb, "listing images", s);
  SortImagesByRef(response.mutable_images());
  if (verb.format != Format::kTable) {
    PrintStructured(verb.format, ToJson(response));
  } else if (options.quiet) {
    std::cout << ImageIds(response);
  } else if (options.verbose) {
    std::cout << ImagesVerbose(response);
  } else {
    std::cout << ImageTable(response, options.table);
  }
  return 0;
}

}  // namespace

void AddImagesCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<ImagesOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "images", "List images", "table",
                          {Format::kJson, Format::kYaml, Format::kTable},
                          [options](Verb& verb) { return RunImages(verb, *options); });
  cmd->alias("image");
  cmd->alias("img");
  cmd->add_option("image", options->image, "REPOSITORY[:TAG]: list only this image");
  cmd->add_flag("-q,--quiet", options->quiet, "Only show image IDs");
  cmd->add_flag("-v,--verbose", options->verbose, "Show verbose info for images");
  cmd->add_flag("--digests", options->table.digests, "Show digests");
  cmd->add_flag("--no-trunc", options->table.no_trunc, "Show output without truncating the ID");
  cmd->add_flag("--pinned", options->table.pinned, "Show whether the image is pinned or not");
}

}  // namespace cria::criactl

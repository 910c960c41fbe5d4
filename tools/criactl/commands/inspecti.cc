// criactl inspecti: the status of one or more images (crictl inspecti).
#include <map>

#include "tools/criactl/commands/status_printer.h"
#include "tools/criactl/commands/verb.h"
#include "tools/criactl/output/human_size.h"

namespace cria::criactl {
namespace {

struct InspectiOptions {
  std::vector<std::string> images;
  bool quiet = false;  // no verbose information
};

// crictl's outputImageStatusTable.
std::string StatusTable(const ::runtime::v1::ImageStatusResponse& response, bool verbose) {
  const auto& image = response.image();
  std::string out = "ID: " + image.id() + "\n";
  for (const auto& tag : image.repo_tags()) out += "Tag: " + tag + "\n";
  for (const auto& digest : image.repo_digests()) out += "Digest: " + digest + "\n";
  out += "Size: " + HumanSizeWithPrecision(static_cast<double>(image.size()), 3) + "\n";
  if (verbose) {
    // Go's %v of a map: "map[k1:v1 k2:v2]", keys sorted.
    std::map<std::string, std::string> sorted(response.info().begin(), response.info().end());
    out += "Info: map[";
    bool first = true;
    for (const auto& [key, value] : sorted) {
      if (!first) out += " ";
      first = false;
      out += key + ":" + value;
    }
    out += "]\n";
  }
  return out;
}

int RunInspecti(Verb& verb, const InspectiOptions& options) {
  std::vector<std::string> images = options.images;
  if (images.empty()) {
    // crictl inspects every image when none is named.
    ::runtime::v1::ListImagesResponse list;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->image().ListImages(ctx.get(), {}, &list);
    if (!s.ok()) return ReportRpcError(verb, "listing images", s);
    for (const auto& image : list.images()) images.push_back(image.id());
    if (images.empty()) return ReportError(verb, "no IDs provided or nothing found per filter");
  }
  const bool verbose = !options.quiet;
  StatusPrinter printer(verb);
  for (const std::string& ref : images) {
    ::runtime::v1::ImageStatusRequest request;
    request.mutable_image()->set_image(ref);
    request.set_verbose(verbose);
    ::runtime::v1::ImageStatusResponse response;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->image().ImageStatus(ctx.get(), request, &response);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND || (s.ok() && !response.has_image())) {
      return ReportError(verb, "no such image \"" + ref + "\" present");
    }
    if (!s.ok()) return ReportRpcError(verb, "image status for \"" + ref + "\" request", s);
    printer.Add([&] { return StatusTable(response, verbose); },
                [&] { return ToJson(response.image()); }, response);
  }
  return printer.Finish();
}

}  // namespace

void AddInspectiCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<InspectiOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "inspecti", "Return the status of one or more images",
                          "json", {Format::kJson, Format::kYaml, Format::kTable},
                          [options](Verb& verb) { return RunInspecti(verb, *options); });
  cmd->add_option("image", options->images, "IMAGE-ID [IMAGE-ID...] (default: every image)");
  cmd->add_flag("-q,--quiet", options->quiet, "Do not show verbose information");
}

}  // namespace cria::criactl

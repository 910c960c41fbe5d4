// criactl rmi: remove images (crictl rmi), named, all of them, or those no container uses.
#include <iostream>
#include <set>

#include "tools/criactl/commands/verb.h"

namespace cria::criactl {
namespace {

struct RmiOptions {
  std::vector<std::string> images;
  bool all = false;
  bool prune = false;
};

// The ids of the images that containers (in any state) use. UNIMPLEMENTED from
// ListContainers (an image-only endpoint) counts as no containers.
grpc::Status ImagesInUse(Verb& verb, std::set<std::string>* in_use) {
  ::runtime::v1::ListContainersResponse containers;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().ListContainers(ctx.get(), {}, &containers);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) return grpc::Status::OK;
  if (!s.ok()) return s;
  for (const auto& container : containers.containers()) {
    if (!container.image_ref().empty()) in_use->insert(container.image_ref());
    const std::string& image = container.image().image();
    if (image.empty()) continue;
    ::runtime::v1::ImageStatusRequest request;
    request.mutable_image()->set_image(image);
    ::runtime::v1::ImageStatusResponse response;
    auto status_ctx = verb.client->Context();
    grpc::Status st = verb.client->image().ImageStatus(status_ctx.get(), request, &response);
    if (!st.ok()) {
      // As crictl: the image of this container stays unknown; go on with the others.
      std::cerr << "criactl " << verb.name << ": image status request for \"" << image
                << "\" failed: " << DescribeRpcError(st) << "\n";
      continue;
    }
    if (response.has_image()) in_use->insert(response.image().id());
  }
  return grpc::Status::OK;
}

// Removes one image and prints "Deleted: <tag>" per tag (or per digest for an untagged
// image). False, with the error printed, when it failed.
bool RemoveOne(Verb& verb, const std::string& ref) {
  ::runtime::v1::ImageStatusRequest status_request;
  status_request.mutable_image()->set_image(ref);
  ::runtime::v1::ImageStatusResponse status;
  auto status_ctx = verb.client->Context();
  grpc::Status s = verb.client->image().ImageStatus(status_ctx.get(), status_request, &status);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND || (s.ok() && !status.has_image())) {
    ReportError(verb, "no such image " + ref);
    return false;
  }
  if (!s.ok()) {
    ReportRpcError(verb, "image status request for \"" + ref + "\" failed", s);
    return false;
  }
  ::runtime::v1::RemoveImageRequest request;
  request.mutable_image()->set_image(ref);
  ::runtime::v1::RemoveImageResponse response;
  auto ctx = verb.client->Context();
  s = verb.client->image().RemoveImage(ctx.get(), request, &response);
  if (!s.ok()) {
    ReportRpcError(verb, "error of removing image \"" + ref + "\"", s);
    return false;
  }
  const auto& image = status.image();
  const auto& names = image.repo_tags().empty() ? image.repo_digests() : image.repo_tags();
  for (const auto& name : names) std::cout << "Deleted: " << name << "\n";
  return true;
}

int RunRmi(Verb& verb, const RmiOptions& options) {
  // In the order given, then as listed; each once.
  std::vector<std::string> refs;
  std::set<std::string> seen;
  auto add = [&](const std::string& ref) {
    if (seen.insert(ref).second) refs.push_back(ref);
  };
  for (const auto& ref : options.images) add(ref);
  if (options.all || options.prune) {
    ::runtime::v1::ListImagesResponse list;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->image().ListImages(ctx.get(), {}, &list);
    if (!s.ok()) return ReportRpcError(verb, "listing images", s);
    std::set<std::string> in_use;
    if (options.prune) {
      s = ImagesInUse(verb, &in_use);
      if (!s.ok()) return ReportRpcError(verb, "listing containers", s);
    }
    for (const auto& image : list.images()) {
      // --prune keeps pinned images and those containers use, even with --all (as crictl).
      if (options.prune && (image.pinned() || in_use.count(image.id()) > 0)) continue;
      add(image.id());
    }
    if (options.prune) {
      std::erase_if(refs, [&](const std::string& ref) { return in_use.count(ref) > 0; });
    }
  }
  if (refs.empty()) {
    if (options.all || options.prune) {
      std::cerr << "No images to remove\n";
      return 0;
    }
    return ReportError(verb, "no image given (IMAGE-ID [IMAGE-ID...], --all or --prune)");
  }
  bool failed = false;
  for (const std::string& ref : refs) failed |= !RemoveOne(verb, ref);
  return failed ? 1 : 0;
}

}  // namespace

void AddRmiCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<RmiOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "rmi", "Remove one or more images", "table", {},
                          [options](Verb& verb) { return RunRmi(verb, *options); });
  cmd->add_option("image", options->images, "IMAGE-ID [IMAGE-ID...]");
  cmd->add_flag("-a,--all", options->all, "Remove all images");
  cmd->add_flag("-q,--prune", options->prune, "Remove all unused images");
}

}  // namespace cria::criactl

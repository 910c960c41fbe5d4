#include "tests/support/image_env.h"

#include <catch2/catch.hpp>

namespace cria::testing {

std::chrono::system_clock::time_point In(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

ImageEnv::ImageEnv(const std::string& image_yaml,
                   std::optional<image::registry::Credentials> htpasswd)
    : registry_(htpasswd) {
  REQUIRE(registry_.started());
  if (!image_yaml.empty()) stack_.WriteConfig("image:\n" + image_yaml);
  stack_.Start("storage");
  stack_.Start("image");
  stack_.Start("gateway");
  Reconnect();
}

void ImageEnv::Reconnect() {
  cri_ = runtime::v1::ImageService::NewStub(TestChannel(stack_.Socket("gateway")));
  image_ = image::v1::Image::NewStub(TestChannel(stack_.Socket("image")));
  storage_ = storage::v1::Storage::NewStub(TestChannel(stack_.Socket("storage")));
}

std::string ImageEnv::Ref(const std::string& repo, const std::string& tag) const {
  return registry_.address() + "/" + repo + ":" + tag;
}

grpc::Status ImageEnv::Pull(const std::string& image, std::string* image_ref,
                            const runtime::v1::AuthConfig* auth) {
  runtime::v1::PullImageRequest request;
  request.mutable_image()->set_image(image);
  if (auth != nullptr) *request.mutable_auth() = *auth;
  runtime::v1::PullImageResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(120));
  grpc::Status s = cri_->PullImage(&ctx, request, &response);
  if (image_ref != nullptr) *image_ref = response.image_ref();
  return s;
}

std::vector<runtime::v1::Image> ImageEnv::List(const std::string& filter) {
  runtime::v1::ListImagesRequest request;
  if (!filter.empty()) request.mutable_filter()->mutable_image()->set_image(filter);
  runtime::v1::ListImagesResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  grpc::Status s = cri_->ListImages(&ctx, request, &response);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return {response.images().begin(), response.images().end()};
}

grpc::Status ImageEnv::Status(const std::string& image, runtime::v1::ImageStatusResponse* response,
                              bool verbose) {
  runtime::v1::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  request.set_verbose(verbose);
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  return cri_->ImageStatus(&ctx, request, response);
}

grpc::Status ImageEnv::Remove(const std::string& image) {
  runtime::v1::RemoveImageRequest request;
  request.mutable_image()->set_image(image);
  runtime::v1::RemoveImageResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(60));
  return cri_->RemoveImage(&ctx, request, &response);
}

grpc::Status ImageEnv::Resolve(const std::string& image, image::v1::ResolveResponse* response) {
  image::v1::ResolveRequest request;
  request.set_image(image);
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  return image_->Resolve(&ctx, request, response);
}

std::vector<storage::v1::Pin> ImageEnv::Pins(const std::string& prefix) {
  storage::v1::ListPinsRequest request;
  request.set_holder_prefix(prefix);
  storage::v1::ListPinsResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  REQUIRE(storage_->ListPins(&ctx, request, &response).ok());
  return {response.pins().begin(), response.pins().end()};
}

bool ImageEnv::LayerPresent(const std::string& chain_id) {
  storage::v1::LayerStatusRequest request;
  request.set_chain_id(chain_id);
  storage::v1::LayerStatusResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(30));
  REQUIRE(storage_->LayerStatus(&ctx, request, &response).ok());
  return response.present();
}

}  // namespace cria::testing

#include "services/image/server/cri_image_service.h"

#include <boost/asio/post.hpp>
#include <deque>

#include "libs/status/grpc_status.h"
#include "services/image/server/pull_request.h"

namespace cria::image::server {
namespace {

// Images per StreamImages message: small enough for any message size limit.
constexpr int kStreamBatch = 100;

// Writes the images in batches, one write in flight at a time.
class ImageStreamWriter : public grpc::ServerWriteReactor<runtime::v1::StreamImagesResponse> {
 public:
  explicit ImageStreamWriter(std::vector<runtime::v1::Image> images) {
    for (size_t i = 0; i < images.size(); i += kStreamBatch) {
      runtime::v1::StreamImagesResponse batch;
      for (size_t j = i; j < images.size() && j < i + kStreamBatch; ++j) {
        *batch.add_images() = std::move(images[j]);
      }
      batches_.push_back(std::move(batch));
    }
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "StreamImages: write failed"));
    batches_.pop_front();
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (batches_.empty()) return Finish(grpc::Status::OK);
    StartWrite(&batches_.front());
  }
  std::deque<runtime::v1::StreamImagesResponse> batches_;
};

}  // namespace

CriImageService::CriImageService(manager::ImageManager& images, boost::asio::thread_pool& workers)
    : images_(images), workers_(workers) {
  ServeOnly("runtime.v1.ImageService",
            {"PullImage", "ListImages", "StreamImages", "ImageStatus", "RemoveImage"});
}

grpc::ServerUnaryReactor* CriImageService::PullImage(grpc::CallbackServerContext* context,
                                                     const runtime::v1::PullImageRequest* request,
                                                     runtime::v1::PullImageResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, context, reactor, request, response] {
    Result<pull::PullSpec> spec = SpecFromCri(*request);
    if (!spec.ok()) return reactor->Finish(ToGrpc(spec.status()));
    Result<store::ImageRecord> pulled =
        images_.Pull(*spec, nullptr, [context] { return context->IsCancelled(); });
    // The kubelet pairs this with Image.id and the containers' image_ref: the image id.
    if (pulled.ok()) response->set_image_ref(pulled->id);
    reactor->Finish(ToGrpc(pulled.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* CriImageService::ListImages(grpc::CallbackServerContext* context,
                                                      const runtime::v1::ListImagesRequest* request,
                                                      runtime::v1::ListImagesResponse* response) {
  for (auto& image : images_.List(request->filter().image().image())) {
    *response->add_images() = std::move(image);
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<runtime::v1::StreamImagesResponse>* CriImageService::StreamImages(
    grpc::CallbackServerContext*, const runtime::v1::StreamImagesRequest* request) {
  return new ImageStreamWriter(images_.List(request->filter().image().image()));
}

grpc::ServerUnaryReactor* CriImageService::ImageStatus(
    grpc::CallbackServerContext* context, const runtime::v1::ImageStatusRequest* request,
    runtime::v1::ImageStatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  std::map<std::string, std::string> info;
  Result<std::optional<runtime::v1::Image>> image =
      images_.ImageStatus(request->image().image(), request->verbose() ? &info : nullptr);
  if (image.ok() && image->has_value()) {
    *response->mutable_image() = std::move(**image);
    for (auto& [k, v] : info) (*response->mutable_info())[k] = v;
  }
  reactor->Finish(ToGrpc(image.status()));
  return reactor;
}

grpc::ServerUnaryReactor* CriImageService::RemoveImage(
    grpc::CallbackServerContext* context, const runtime::v1::RemoveImageRequest* request,
    runtime::v1::RemoveImageResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, context, reactor, request] {
    const std::string& image = request->image().image();
    if (image.empty()) {
      return reactor->Finish(
          ToGrpc(Status(StatusCode::kInvalidArgument, "RemoveImage: no image given")));
    }
    reactor->Finish(ToGrpc(images_.Remove(image, [context] { return context->IsCancelled(); })));
  });
  return reactor;
}

}  // namespace cria::image::server

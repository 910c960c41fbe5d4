// runtime.v1.ImageService, the CRI calls the gateway forwards to cria-image: PullImage,
// ListImages, StreamImages, ImageStatus, RemoveImage. (ImageFsInfo is the gateway's,
// from cria-storage.) Pulls and removals block on registries and cria-storage, so they
// run on a worker pool, never on gRPC's threads.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "cri/runtime/v1/cri_api.h"
#include "libs/rpc/unimplemented.h"
#include "services/image/manager/image_manager.h"

namespace cria::image::server {

class CriImageService : public rpc::PartialService<runtime::v1::ImageService::CallbackService> {
 public:
  CriImageService(manager::ImageManager& images, boost::asio::thread_pool& workers);

  grpc::ServerUnaryReactor* PullImage(grpc::CallbackServerContext* context,
                                      const runtime::v1::PullImageRequest* request,
                                      runtime::v1::PullImageResponse* response) override;
  grpc::ServerUnaryReactor* ListImages(grpc::CallbackServerContext* context,
                                       const runtime::v1::ListImagesRequest* request,
                                       runtime::v1::ListImagesResponse* response) override;
  grpc::ServerWriteReactor<runtime::v1::StreamImagesResponse>* StreamImages(
      grpc::CallbackServerContext* context,
      const runtime::v1::StreamImagesRequest* request) override;
  grpc::ServerUnaryReactor* ImageStatus(grpc::CallbackServerContext* context,
                                        const runtime::v1::ImageStatusRequest* request,
                                        runtime::v1::ImageStatusResponse* response) override;
  grpc::ServerUnaryReactor* RemoveImage(grpc::CallbackServerContext* context,
                                        const runtime::v1::RemoveImageRequest* request,
                                        runtime::v1::RemoveImageResponse* response) override;

 private:
  manager::ImageManager& images_;
  boost::asio::thread_pool& workers_;
};

}  // namespace cria::image::server

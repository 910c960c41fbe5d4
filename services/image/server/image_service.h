// cria.image.v1.Image: the internal API of cria-image (image.sock only): ServiceInfo, and
// Resolve for cria-runtime's CreateContainer.
#pragma once

#include "cria/image/v1/image.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"
#include "services/image/manager/image_manager.h"

namespace cria::image {

class ImageService : public rpc::PartialService<v1::Image::CallbackService> {
 public:
  ImageService(const daemon::Identity& identity, manager::ImageManager& images);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;
  grpc::ServerUnaryReactor* Resolve(grpc::CallbackServerContext* context,
                                    const v1::ResolveRequest* request,
                                    v1::ResolveResponse* response) override;

 private:
  const daemon::Identity& identity_;
  manager::ImageManager& images_;
};

}  // namespace cria::image

// cria.image.v1.Image: the internal API of cria-image. This first version answers
// ServiceInfo. The CRI ImageService is not registered yet: its calls reach the server's
// fallback, which answers UNIMPLEMENTED naming the method (until issue 6).
#pragma once

#include "cria/image/v1/image.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"

namespace cria::image {

class ImageService : public rpc::PartialService<v1::Image::CallbackService> {
 public:
  explicit ImageService(const daemon::Identity& identity);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;

 private:
  const daemon::Identity& identity_;
};

}  // namespace cria::image

#include "services/image/server/image_service.h"

namespace cria::image {

ImageService::ImageService(const daemon::Identity& identity) : identity_(identity) {
  ServeOnly("cria.image.v1.Image", {"ServiceInfo"});
}

grpc::ServerUnaryReactor* ImageService::ServiceInfo(grpc::CallbackServerContext* context,
                                                    const info::v1::ServiceInfoRequest*,
                                                    info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

}  // namespace cria::image

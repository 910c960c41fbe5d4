#include "services/image/server/image_service.h"

#include "libs/status/grpc_status.h"

namespace cria::image {

ImageService::ImageService(const daemon::Identity& identity, manager::ImageManager& images)
    : identity_(identity), images_(images) {
  ServeOnly("cria.image.v1.Image", {"ServiceInfo", "Resolve"});
}

grpc::ServerUnaryReactor* ImageService::ServiceInfo(grpc::CallbackServerContext* context,
                                                    const info::v1::ServiceInfoRequest*,
                                                    info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* ImageService::Resolve(grpc::CallbackServerContext* context,
                                                const v1::ResolveRequest* request,
                                                v1::ResolveResponse* response) {
  auto* reactor = context->DefaultReactor();
  Result<v1::ResolveResponse> resolved = images_.Resolve(request->image());
  if (resolved.ok()) *response = std::move(*resolved);
  reactor->Finish(ToGrpc(resolved.status()));
  return reactor;
}

}  // namespace cria::image

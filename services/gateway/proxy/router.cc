#include "services/gateway/proxy/router.h"

#include <google/protobuf/descriptor.h>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"

namespace cria::gateway {

CriRouter::CriRouter(Backends& backends, std::chrono::milliseconds max_wait) : max_wait_(max_wait) {
  // Make sure the CRI and cria.image.v1 descriptors are linked in and registered.
  (void)::runtime::v1::VersionRequest::descriptor();
  (void)::cria::image::v1::PullRequest::descriptor();
  AddService("runtime.v1.RuntimeService", backends.runtime);
  // (ImageFsInfo never gets here: CriImageService answers it from cria-storage.)
  AddService("runtime.v1.ImageService", backends.image);
  // Only ImagePull of cria.image.v1: service Image (Resolve, ...) stays internal.
  AddService("cria.image.v1.ImagePull", backends.image);
}

void CriRouter::AddService(const std::string& full_name, Backend& backend) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    if (method->client_streaming()) continue;  // the CRI has none; never forward blindly
    routes_["/" + full_name + "/" + method->name()] = Route{
        &backend, method->server_streaming() ? CallShape::kServerStreaming : CallShape::kUnary};
  }
}

const CriRouter::Route* CriRouter::Find(const std::string& method) const {
  auto it = routes_.find(method);
  return it == routes_.end() ? nullptr : &it->second;
}

grpc::ServerGenericBidiReactor* CriRouter::CreateReactor(grpc::GenericCallbackServerContext* ctx) {
  const Route* route = Find(ctx->method());
  if (route == nullptr) return unknown_.CreateReactor(ctx);
  return Forward(*route->backend, ctx, route->shape, max_wait_);
}

}  // namespace cria::gateway

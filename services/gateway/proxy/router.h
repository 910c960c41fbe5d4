// The gateway's generic service: every CRI call the gateway does not answer itself is
// routed by method name to the backend that owns it and forwarded as bytes.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <chrono>
#include <string>
#include <unordered_map>

#include "libs/rpc/unimplemented.h"
#include "services/gateway/backends/backend.h"
#include "services/gateway/proxy/forward.h"

namespace cria::gateway {

class CriRouter : public grpc::CallbackGenericService {
 public:
  // Routes runtime.v1.RuntimeService to cria-runtime, and runtime.v1.ImageService and
  // cria.image.v1.ImagePull (a pull that streams its progress, for criactl pull) to
  // cria-image; the shape of each method comes from the compiled descriptors. The rest
  // of cria.image.v1 (service Image) is internal to image.sock and never routed here.
  CriRouter(Backends& backends, std::chrono::milliseconds max_wait);

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

  struct Route {
    Backend* backend;
    CallShape shape;
  };
  // nullptr for a method no backend serves. Exposed for tests.
  const Route* Find(const std::string& method) const;

 private:
  void AddService(const std::string& full_name, Backend& backend);

  std::unordered_map<std::string, Route> routes_;
  std::chrono::milliseconds max_wait_;
  rpc::UnimplementedFallback unknown_{"cria-gateway"};
};

}  // namespace cria::gateway

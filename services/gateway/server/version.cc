// RuntimeService.Version, answered by the gateway: it is the CRI endpoint, and the
// kubelet's first call must work whichever backend is restarting.
#include "libs/version/version.h"

#include "services/gateway/server/cri_service.h"

namespace cria::gateway {

// The version of the kubelet runtime API this endpoint reports, as CRI-O and containerd
// report it.
constexpr char kKubeletApiVersion[] = "0.1.0";

grpc::ServerUnaryReactor* CriService::Version(grpc::CallbackServerContext* context,
                                              const ::runtime::v1::VersionRequest*,
                                              ::runtime::v1::VersionResponse* response) {
  response->set_version(kKubeletApiVersion);
  response->set_runtime_name(kRuntimeName);
  response->set_runtime_version(kVersion);
  response->set_runtime_api_version(kCriApiVersion);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::gateway

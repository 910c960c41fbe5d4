// RuntimeService.RuntimeConfig: the cgroup driver the kubelet must use.
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {

grpc::ServerUnaryReactor* RuntimeService::RuntimeConfig(
    grpc::CallbackServerContext* context, const ::runtime::v1::RuntimeConfigRequest*,
    ::runtime::v1::RuntimeConfigResponse* response) {
  cgroups::Driver driver = cgroups::ResolveDriver(config_.runtime.cgroup_driver);
  response->mutable_linux()->set_cgroup_driver(
      driver == cgroups::Driver::kSystemd ? ::runtime::v1::SYSTEMD : ::runtime::v1::CGROUPFS);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::runtime

// RuntimeService.UpdateRuntimeConfig: the kubelet sends the node's pod CIDR; cria-network
// offers it to CNI plugins (ipRanges) and renders network.cni_config_template with it.
#include <memory>

#include "services/gateway/proxy/backend_call.h"
#include "services/gateway/server/cri_service.h"

namespace cria::gateway {

grpc::ServerUnaryReactor* CriService::UpdateRuntimeConfig(
    grpc::CallbackServerContext* context, const ::runtime::v1::UpdateRuntimeConfigRequest* request,
    ::runtime::v1::UpdateRuntimeConfigResponse*) {
  using Call =
      UnaryBackendCall<network::v1::UpdatePodCidrRequest, network::v1::UpdatePodCidrResponse>;
  auto call =
      std::make_shared<Call>(context, backends_.network, config_.gateway.backend_wait_timeout);
  call->req.set_pod_cidr(request->runtime_config().network_config().pod_cidr());
  network_->async()->UpdatePodCidr(
      call->backend.context(), &call->req, &call->resp,
      [call](grpc::Status s) { call->reactor->Finish(call->backend.Outcome(s)); });
  return call->reactor;
}

}  // namespace cria::gateway

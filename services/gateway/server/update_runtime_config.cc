// RuntimeService.UpdateRuntimeConfig: the kubelet sends the node's pod CIDR; cria-network
// offers it to CNI plugins (ipRanges) and renders network.cni_config_template with it.
#include <grpcpp/client_context.h>

#include <memory>

#include "services/gateway/proxy/deadline.h"
#include "services/gateway/server/cri_service.h"

namespace cria::gateway {

grpc::ServerUnaryReactor* CriService::UpdateRuntimeConfig(
    grpc::CallbackServerContext* context, const ::runtime::v1::UpdateRuntimeConfigRequest* request,
    ::runtime::v1::UpdateRuntimeConfigResponse*) {
  struct Call {
    grpc::ServerUnaryReactor* reactor;
    std::unique_ptr<grpc::ClientContext> ctx;
    network::v1::UpdatePodCidrRequest req;
    network::v1::UpdatePodCidrResponse resp;
  };
  auto call = std::make_shared<Call>();
  call->reactor = context->DefaultReactor();
  call->ctx = grpc::ClientContext::FromCallbackServerContext(*context);
  call->ctx->set_wait_for_ready(true);
  Clock::time_point deadline = NoDeadline(context->deadline())
                                   ? Clock::now() + config_.gateway.backend_wait_timeout
                                   : BackendDeadline(context->deadline(), Clock::now());
  call->ctx->set_deadline(deadline);
  call->req.set_pod_cidr(request->runtime_config().network_config().pod_cidr());
  auto started = std::chrono::steady_clock::now();
  network_->async()->UpdatePodCidr(
      call->ctx.get(), &call->req, &call->resp, [this, call, started](grpc::Status s) {
        if (!s.ok()) {
          auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - started);
          s = BackendFailure(s, backends_.network.name(), backends_.network.target(),
                             backends_.network.Connected(), waited);
        }
        call->reactor->Finish(s);
      });
  return call->reactor;
}

}  // namespace cria::gateway

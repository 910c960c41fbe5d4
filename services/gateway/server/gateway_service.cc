#include "services/gateway/server/gateway_service.h"

#include "libs/rpc/join.h"

namespace cria::gateway {

GatewayService::GatewayService(const daemon::Identity& identity, const config::Config& config,
                               gateway::Backends& backends)
    : identity_(identity), config_(config), backends_(backends) {
  ServeOnly("cria.gateway.v1.Gateway", {"ServiceInfo", "Backends"});
}

grpc::ServerUnaryReactor* GatewayService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* GatewayService::Backends(grpc::CallbackServerContext* context,
                                                   const v1::BackendsRequest*,
                                                   v1::BackendsResponse* response) {
  auto* reactor = context->DefaultReactor();
  std::vector<Backend*> all = backends_.All();
  for (size_t i = 0; i < all.size(); ++i) response->add_backends();
  auto join = rpc::Join::Create(all.size(), [reactor] { reactor->Finish(grpc::Status::OK); });
  for (size_t i = 0; i < all.size(); ++i) {
    all[i]->Describe(config_.gateway.status_timeout, [response, join, i](v1::Backend b) {
      *response->mutable_backends(static_cast<int>(i)) = std::move(b);
      join->Arrive();
    });
  }
  return reactor;
}

}  // namespace cria::gateway

#include "services/network/server/network_service.h"

namespace cria::network {

NetworkService::NetworkService(const daemon::Identity& identity) : identity_(identity) {
  ServeOnly("cria.network.v1.Network", {"ServiceInfo", "NetworkStatus"});
}

grpc::ServerUnaryReactor* NetworkService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* NetworkService::NetworkStatus(grpc::CallbackServerContext* context,
                                                        const v1::NetworkStatusRequest*,
                                                        v1::NetworkStatusResponse* response) {
  // No CNI support yet: say so rather than claim a network that cannot be set up.
  response->set_ready(false);
  response->set_reason("NetworkPluginNotReady");
  response->set_message(
      "cria-network does not set up pod networks yet: CNI support (netns, plugin "
      "chains from /etc/cni/net.d) is not implemented in this version");
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::network

// cria.network.v1.Network: the internal API of cria-network. This first version answers
// ServiceInfo and NetworkStatus; netns and CNI calls arrive with the network service
// (issue 7).
#pragma once

#include "cria/network/v1/network.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"

namespace cria::network {

class NetworkService : public rpc::PartialService<v1::Network::CallbackService> {
 public:
  explicit NetworkService(const daemon::Identity& identity);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;
  grpc::ServerUnaryReactor* NetworkStatus(grpc::CallbackServerContext* context,
                                          const v1::NetworkStatusRequest* request,
                                          v1::NetworkStatusResponse* response) override;

 private:
  const daemon::Identity& identity_;
};

}  // namespace cria::network

// cria.gateway.v1.Gateway on the CRI socket: who the gateway is and what its backends
// say about themselves (versions, so a rolling upgrade's mixed set can be seen).
#pragma once

#include "cria/gateway/v1/gateway.grpc.pb.h"
#include "libs/config/config.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"
#include "services/gateway/backends/backend.h"

namespace cria::gateway {

class GatewayService : public rpc::PartialService<v1::Gateway::CallbackService> {
 public:
  GatewayService(const daemon::Identity& identity, const config::Config& config,
                 gateway::Backends& backends);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;
  grpc::ServerUnaryReactor* Backends(grpc::CallbackServerContext* context,
                                     const v1::BackendsRequest* request,
                                     v1::BackendsResponse* response) override;

 private:
  const daemon::Identity& identity_;
  const config::Config& config_;
  gateway::Backends& backends_;
};

}  // namespace cria::gateway

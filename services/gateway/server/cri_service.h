// The CRI calls the gateway answers itself: Version (who is speaking), Status (the
// RuntimeReady and NetworkReady conditions joined from cria-runtime and cria-network) and
// UpdateRuntimeConfig (the pod CIDR, for cria-network).
// Every other CRI method is released to CriRouter, which forwards it.
#pragma once

#include "cri/runtime/v1/cri_api.h"
#include "cria/network/v1/network.grpc.pb.h"
#include "libs/config/config.h"
#include "libs/rpc/unimplemented.h"
#include "services/gateway/backends/backend.h"

namespace cria::gateway {

class CriService : public rpc::PartialService<::runtime::v1::RuntimeService::CallbackService> {
 public:
  CriService(const config::Config& config, Backends& backends);

  grpc::ServerUnaryReactor* Version(grpc::CallbackServerContext* context,
                                    const ::runtime::v1::VersionRequest* request,
                                    ::runtime::v1::VersionResponse* response) override;
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const ::runtime::v1::StatusRequest* request,
                                   ::runtime::v1::StatusResponse* response) override;
  // The node's pod CIDR goes to cria-network (the only part of the runtime config that
  // exists in CRI v1).
  grpc::ServerUnaryReactor* UpdateRuntimeConfig(
      grpc::CallbackServerContext* context,
      const ::runtime::v1::UpdateRuntimeConfigRequest* request,
      ::runtime::v1::UpdateRuntimeConfigResponse* response) override;

 private:
  const config::Config& config_;
  Backends& backends_;
  std::unique_ptr<::runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<network::v1::Network::Stub> network_;
};

}  // namespace cria::gateway

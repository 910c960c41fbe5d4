// The CRI RuntimeService as cria-runtime serves it on runtime.sock (the gateway forwards
// the kubelet's calls here). One .cc per RPC. Methods not implemented yet reach the
// server's fallback, which answers UNIMPLEMENTED naming the method (issue 8 adds pods
// and containers).
#pragma once

#include "cri/runtime/v1/cri_api.h"
#include "libs/config/config.h"
#include "libs/rpc/unimplemented.h"
#include "services/runtime/clients/dependencies.h"

namespace cria::runtime {

class RuntimeService : public rpc::PartialService<::runtime::v1::RuntimeService::CallbackService> {
 public:
  RuntimeService(const config::Config& config, const clients::Dependencies& dependencies);

  // RuntimeReady: the OCI runtime binary is found and cria-image and cria-storage answer.
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const ::runtime::v1::StatusRequest* request,
                                   ::runtime::v1::StatusResponse* response) override;
  // The cgroup driver, so the kubelet can match it.
  grpc::ServerUnaryReactor* RuntimeConfig(grpc::CallbackServerContext* context,
                                          const ::runtime::v1::RuntimeConfigRequest* request,
                                          ::runtime::v1::RuntimeConfigResponse* response) override;

 private:
  const config::Config& config_;
  const clients::Dependencies& dependencies_;
};

}  // namespace cria::runtime

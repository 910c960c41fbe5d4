// cria.runtime.v1.Runtime: cria-runtime's internal API beside the CRI RuntimeService.
#pragma once

#include "cria/runtime/v1/runtime.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"

namespace cria::runtime {

class InfoService : public rpc::PartialService<v1::Runtime::CallbackService> {
 public:
  explicit InfoService(const daemon::Identity& identity);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;

 private:
  const daemon::Identity& identity_;
};

}  // namespace cria::runtime

#include "services/runtime/server/info_service.h"

namespace cria::runtime {

InfoService::InfoService(const daemon::Identity& identity) : identity_(identity) {
  ServeOnly("cria.runtime.v1.Runtime", {"ServiceInfo"});
}

grpc::ServerUnaryReactor* InfoService::ServiceInfo(grpc::CallbackServerContext* context,
                                                   const info::v1::ServiceInfoRequest*,
                                                   info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

}  // namespace cria::runtime

#include "services/storage/server/storage_service.h"

namespace cria::storage {

StorageService::StorageService(const daemon::Identity& identity) : identity_(identity) {
  ServeOnly("cria.storage.v1.Storage", {"ServiceInfo"});
}

grpc::ServerUnaryReactor* StorageService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

}  // namespace cria::storage

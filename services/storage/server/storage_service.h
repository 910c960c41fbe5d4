// cria.storage.v1.Storage: the internal API of cria-storage. This first version answers
// ServiceInfo; layer and rootfs calls arrive with the storage service (issue 5) and
// until then reach the server's fallback, which answers UNIMPLEMENTED by name.
#pragma once

#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"

namespace cria::storage {

class StorageService : public rpc::PartialService<v1::Storage::CallbackService> {
 public:
  explicit StorageService(const daemon::Identity& identity);

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;

 private:
  const daemon::Identity& identity_;
};

}  // namespace cria::storage

// The one mapping between cria::Status and grpc::Status, used at each daemon's edge.
// The numeric codes are identical; only the types differ.
#pragma once

#include <grpcpp/support/status.h>

#include "libs/status/status.h"

namespace cria {

grpc::Status ToGrpc(const Status& status);
Status FromGrpc(const grpc::Status& status);

}  // namespace cria

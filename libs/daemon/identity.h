// Who a daemon is: what every ServiceInfo call answers (DESIGN.md section 1).
#pragma once

#include <grpcpp/support/server_callback.h>

#include <cstdint>
#include <string>

#include "cria/info/v1/info.pb.h"
#include "libs/config/config.h"

namespace cria::daemon {

struct Identity {
  std::string name;         // "cria-storage"
  std::string version;      // cria::kVersion
  std::string api_version;  // "cria.storage.v1"
  int64_t start_time_unix_nano = 0;
  int64_t pid = 0;
};

// The identity of this process, stamped now.
Identity MakeIdentity(config::Daemon daemon, std::string api_version);

void FillServiceInfo(const Identity& identity, info::v1::ServiceInfoResponse* response);

// The whole ServiceInfo handler of a callback service: fills the response and finishes.
grpc::ServerUnaryReactor* AnswerServiceInfo(const Identity& identity,
                                            grpc::CallbackServerContext* context,
                                            info::v1::ServiceInfoResponse* response);

}  // namespace cria::daemon

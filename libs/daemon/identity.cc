#include "libs/daemon/identity.h"

#include <grpcpp/server_context.h>
#include <unistd.h>

#include <chrono>

#include "libs/version/version.h"

namespace cria::daemon {

Identity MakeIdentity(config::Daemon daemon, std::string api_version) {
  Identity id;
  id.name = config::DaemonName(daemon);
  id.version = kVersion;
  id.api_version = std::move(api_version);
  id.start_time_unix_nano = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  id.pid = getpid();
  return id;
}

void FillServiceInfo(const Identity& identity, info::v1::ServiceInfoResponse* response) {
  response->set_name(identity.name);
  response->set_version(identity.version);
  response->set_api_version(identity.api_version);
  response->set_start_time_unix_nano(identity.start_time_unix_nano);
  response->set_pid(identity.pid);
}

grpc::ServerUnaryReactor* AnswerServiceInfo(const Identity& identity,
                                            grpc::CallbackServerContext* context,
                                            info::v1::ServiceInfoResponse* response) {
  FillServiceInfo(identity, response);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::daemon

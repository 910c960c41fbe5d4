// Client channels between cria daemons: unix sockets, quick reconnects after a backend
// restarts, and contexts with a per-call deadline and optional wait-for-ready.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "libs/status/status.h"

namespace cria::rpc {

// "unix:" + path.
std::string UnixTarget(const std::string& socket_path);

// A channel to a daemon's unix socket. Reconnect backoff is capped at one second (gRPC's
// default grows to two minutes), so a restarted backend is seen again at once.
std::shared_ptr<grpc::Channel> UnixChannel(const std::string& socket_path);

// A context whose deadline is now + timeout. With wait_for_ready the call waits for an
// unavailable backend (within the deadline) instead of failing at once.
std::unique_ptr<grpc::ClientContext> NewContext(std::chrono::milliseconds timeout,
                                                bool wait_for_ready);

// One unary call, `(stub.*method)(context, request, response)`, on a NewContext.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response, std::chrono::milliseconds timeout,
                  bool wait_for_ready = false) {
  std::unique_ptr<grpc::ClientContext> context = NewContext(timeout, wait_for_ready);
  return (stub.*method)(context.get(), request, response);
}

// grpc.health.v1 Check of the whole server ("" service), failing fast: a channel known
// to be down fails at once, an idle one makes one connection attempt.
Status CheckHealth(grpc::Channel& channel, std::chrono::milliseconds timeout);

// The same check without blocking; `done` runs on a gRPC thread. With wait_for_ready
// it waits (within `timeout`) for a backend that is down to come back.
void CheckHealthAsync(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout,
                      bool wait_for_ready, std::function<void(Status)> done);

}  // namespace cria::rpc

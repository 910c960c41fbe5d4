// One unary gRPC call with a deadline of its own, as the benchmarks make them to cria and
// to containerd: a failure keeps the gRPC code and says what was asked.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

#include "libs/rpc/client.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status.h"

namespace cria::bench {

// `(stub.*method)(context, request, response)` on a fresh context with `timeout`.
template <typename Stub, typename Request, typename Response>
Status UnaryCall(Stub& stub,
                 grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                 const Request& request, Response* response, const std::string& what,
                 std::chrono::seconds timeout = std::chrono::seconds(120)) {
  grpc::Status s = rpc::Call(stub, method, request, response, timeout);
  return s.ok() ? OkStatus() : Annotate(FromGrpc(s), what);
}

}  // namespace cria::bench

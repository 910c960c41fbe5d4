// What a typed call the gateway makes to a backend on a caller's behalf needs: a client
// context bound to the caller's call, and the one mapping of its failures.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <memory>

#include "services/gateway/backends/backend.h"

namespace cria::gateway {

class BackendCall {
 public:
  // Cancelled with `caller`; waits for a backend that is down, until the caller's
  // deadline less the gateway's margin, or `max_wait` when the caller set none.
  BackendCall(const grpc::CallbackServerContext& caller, Backend& backend,
              std::chrono::milliseconds max_wait);

  grpc::ClientContext* context() { return context_.get(); }
  // `status` as the caller should see it (BackendFailure, with the time waited).
  grpc::Status Outcome(const grpc::Status& status) const;

 private:
  Backend& backend_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::chrono::steady_clock::time_point started_;
};

// Everything one unary backend call on behalf of a CRI call needs, kept alive together
// (in a shared_ptr the backend's callback holds) until that callback has run: the
// caller's reactor, the backend call, and the request and response.
template <typename Request, typename Response>
struct UnaryBackendCall {
  UnaryBackendCall(grpc::CallbackServerContext* caller, Backend& to,
                   std::chrono::milliseconds max_wait)
      : reactor(caller->DefaultReactor()), backend(*caller, to, max_wait) {}
  grpc::ServerUnaryReactor* reactor;
  BackendCall backend;
  Request req;
  Response resp;
};

}  // namespace cria::gateway

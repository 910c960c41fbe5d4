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

}  // namespace cria::gateway

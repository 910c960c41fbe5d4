#include "services/gateway/proxy/backend_call.h"

#include "services/gateway/proxy/deadline.h"

namespace cria::gateway {

BackendCall::BackendCall(const grpc::CallbackServerContext& caller, Backend& backend,
                         std::chrono::milliseconds max_wait)
    : backend_(backend),
      context_(grpc::ClientContext::FromCallbackServerContext(caller)),
      started_(std::chrono::steady_clock::now()) {
  context_->set_wait_for_ready(true);
  context_->set_deadline(NoDeadline(caller.deadline())
                             ? Clock::now() + max_wait
                             : BackendDeadline(caller.deadline(), Clock::now()));
}

grpc::Status BackendCall::Outcome(const grpc::Status& status) const {
  if (status.ok()) return status;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  return BackendFailure(status, backend_.name(), backend_.target(), backend_.Connected(), waited);
}

}  // namespace cria::gateway

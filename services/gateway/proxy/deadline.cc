#include "services/gateway/proxy/deadline.h"

#include <algorithm>

namespace cria::gateway {

Clock::time_point BackendDeadline(Clock::time_point caller_deadline, Clock::time_point now) {
  if (NoDeadline(caller_deadline)) return caller_deadline;
  if (caller_deadline <= now) return caller_deadline;
  auto left = caller_deadline - now;
  auto margin = std::min<Clock::duration>(left / 10, std::chrono::milliseconds(250));
  return caller_deadline - margin;
}

grpc::Status BackendFailure(const grpc::Status& status, const std::string& backend_name,
                            const std::string& target, bool backend_connected,
                            std::chrono::milliseconds waited) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && !backend_connected) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, backend_name + " is unavailable at " +
                                                           target + ": waited " +
                                                           std::to_string(waited.count()) +
                                                           " ms for it within the call's deadline");
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        backend_name + " at " + target + ": " + status.error_message());
  }
  return status;
}

}  // namespace cria::gateway

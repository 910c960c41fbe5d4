// How long the gateway lets a forwarded call take, and what the caller hears when the
// backend was not there.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

namespace cria::gateway {

using Clock = std::chrono::system_clock;

// The caller set no deadline (gRPC reports "infinite" as time_point::max()).
inline bool NoDeadline(Clock::time_point deadline) { return deadline == Clock::time_point::max(); }

// The backend call's deadline: the caller's less a margin (a tenth of the time left, at
// most 250 ms), so the gateway can still answer UNAVAILABLE naming the backend before
// the caller gives up.
Clock::time_point BackendDeadline(Clock::time_point caller_deadline, Clock::time_point now);

// What the caller gets when a forwarded call failed. A deadline that expired while the
// backend was not connected, and a connection that failed, become UNAVAILABLE naming the
// backend and its socket; anything the backend itself answered passes through as is.
grpc::Status BackendFailure(const grpc::Status& status, const std::string& backend_name,
                            const std::string& target, bool backend_connected,
                            std::chrono::milliseconds waited);

}  // namespace cria::gateway

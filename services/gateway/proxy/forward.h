// Forwarding one CRI call to a backend as serialized bytes: the gateway does not decode
// what it does not need to inspect (DESIGN.md section 1).
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <chrono>

#include "services/gateway/backends/backend.h"

namespace cria::gateway {

enum class CallShape { kUnary, kServerStreaming };

// A reactor that reads the caller's request, sends it to `backend` (waiting for the
// backend within the caller's deadline, or within `max_wait` when the caller set none)
// and relays the response(s) and the final status. It deletes itself when done.
grpc::ServerGenericBidiReactor* Forward(Backend& backend, grpc::GenericCallbackServerContext* ctx,
                                        CallShape shape, std::chrono::milliseconds max_wait);

}  // namespace cria::gateway

// cria's error values: every fallible call across a module boundary returns a Status or
// a Result<T>. The codes are gRPC's (absl::StatusCode has the same numbers), so the
// edge maps them to grpc::Status without a table (libs/status/grpc_status.h).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cria {

using Status = absl::Status;
using StatusCode = absl::StatusCode;
template <typename T>
using Result = absl::StatusOr<T>;

inline Status OkStatus() { return absl::OkStatus(); }

// The message of a Status as a std::string (Debian's absl has its own string_view).
inline std::string MessageOf(const Status& status) {
  return std::string(status.message().data(), status.message().size());
}

// The same code, with `context` prepended: "context: original message".
Status Annotate(const Status& status, std::string_view context);

// A Status for a failed system call. `what` says what was done to what, e.g.
// "open /run/cria/cria.sock"; the errno name and text are appended. The code follows
// the errno: ENOENT → NotFound, EEXIST → AlreadyExists, EACCES/EPERM → PermissionDenied,
// EINVAL/ENAMETOOLONG → InvalidArgument, ENOSPC/EMFILE/ENOMEM → ResourceExhausted,
// EBUSY/EAGAIN → Unavailable, ETIMEDOUT → DeadlineExceeded, anything else → Internal.
Status ErrnoStatus(int err, std::string_view what);

// The code an errno maps to (see ErrnoStatus).
StatusCode CodeForErrno(int err);

}  // namespace cria

#define CRIA_STATUS_CONCAT_INNER_(a, b) a##b
#define CRIA_STATUS_CONCAT_(a, b) CRIA_STATUS_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK,
// prefixed with `context` (a string expression evaluated only on error).
#define CRIA_RETURN_IF_ERROR(expr, context)             \
  do {                                                  \
    ::cria::Status cria_status_ = (expr);               \
    if (!cria_status_.ok()) {                           \
      return ::cria::Annotate(cria_status_, (context)); \
    }                                                   \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its Status prefixed with `context`,
// otherwise moves the value into `lhs` (a declaration such as `auto x` or a variable).
#define CRIA_ASSIGN_OR_RETURN(lhs, rexpr, context) \
  CRIA_ASSIGN_OR_RETURN_IMPL_(CRIA_STATUS_CONCAT_(cria_result_, __LINE__), lhs, rexpr, context)

#define CRIA_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr, context) \
  auto result = (rexpr);                                         \
  if (!result.ok()) {                                            \
    return ::cria::Annotate(result.status(), (context));         \
  }                                                              \
  lhs = std::move(result).value()

#include "libs/status/status.h"

#include <string.h>

#include <cerrno>
#include <string>

namespace cria {

Status Annotate(const Status& status, std::string_view context) {
  if (status.ok() || context.empty()) return status;
  std::string message(context);
  if (!status.message().empty()) {
    message += ": ";
    message.append(status.message().data(), status.message().size());
  }
  return Status(status.code(), message);
}

StatusCode CodeForErrno(int err) {
  switch (err) {
    case 0:
      return StatusCode::kOk;
    case ENOENT:
    case ENOTDIR:
    case ESRCH:
    case ENXIO:
      return StatusCode::kNotFound;
    case EEXIST:
    case ENOTEMPTY:
      return StatusCode::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusCode::kPermissionDenied;
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP:
    case EISDIR:
    case E2BIG:
      return StatusCode::kInvalidArgument;
    case ENOSPC:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EDQUOT:
      return StatusCode::kResourceExhausted;
    case EBUSY:
    case EAGAIN:
    case ECONNREFUSED:
    case ECONNRESET:
    case EPIPE:
      return StatusCode::kUnavailable;
    case ETIMEDOUT:
      return StatusCode::kDeadlineExceeded;
    case ENOSYS:
    case EOPNOTSUPP:
      return StatusCode::kUnimplemented;
    default:
      return StatusCode::kInternal;
  }
}

Status ErrnoStatus(int err, std::string_view what) {
  std::string message(what);
  message += ": ";
  const char* name = strerrorname_np(err);
  message += name != nullptr ? name : std::to_string(err);
  message += " (";
  message += strerrordesc_np(err) != nullptr ? strerrordesc_np(err) : "unknown error";
  message += ")";
  return Status(CodeForErrno(err), message);
}

}  // namespace cria

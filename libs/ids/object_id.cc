#include "libs/ids/object_id.h"

namespace cria {

Status ValidateObjectId(std::string_view what, const std::string& id) {
  bool ok = !id.empty() && id.size() <= 128 && id[0] != '.';
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.');
  }
  if (ok) return OkStatus();
  return Status(StatusCode::kInvalidArgument,
                std::string(what) + " \"" + id +
                    "\" must be 1 to 128 letters, digits, '_', '-' or '.', not starting with '.'");
}

}  // namespace cria

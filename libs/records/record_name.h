// The names records may have: safe as one path component, never hidden, never a temp file.
#pragma once

#include <cstddef>
#include <string_view>

#include "libs/status/status.h"

namespace cria::records {

inline constexpr size_t kMaxRecordNameLength = 200;

// OK if `name` is 1..200 characters of [A-Za-z0-9_.-] and does not start with '.' (so it is
// never ".", "..", a hidden file or a WriteFileAtomic temp file). Otherwise InvalidArgument
// naming the name (escaped, shortened if long) and the rule it breaks.
[[nodiscard]] Status ValidateRecordName(std::string_view name);

}  // namespace cria::records

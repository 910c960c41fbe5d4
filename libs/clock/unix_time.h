// Wall-clock timestamps as the CRI and cria's records carry them: nanoseconds since the
// Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace cria {

inline int64_t UnixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cria

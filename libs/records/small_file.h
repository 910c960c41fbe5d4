// Reading a whole small file into memory with a size cap, so a huge or endless file cannot
// exhaust the daemon's memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "libs/status/status.h"

namespace cria::records {

// The content of the regular file `path`. Errors: the open/read errno (NotFound if it is
// missing); FailedPrecondition if it is not a regular file (a FIFO or device is never
// opened blocking); OutOfRange if it holds more than `max_bytes`.
Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes);

}  // namespace cria::records

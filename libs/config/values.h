// Parsing and printing of the value types config keys use. Each parser returns a
// reason ("expected a duration like 30s or 1m30s") that the loader puts after the file
// and key, so an operator sees what is wrong and where.
#pragma once

#include <string>
#include <string_view>

#include "libs/config/config.h"
#include "libs/status/status.h"

namespace cria::config {

// Go-style durations: "500ms", "30s", "2m", "1h", "1m30s". Zero is "0s".
Result<Duration> ParseDuration(std::string_view text);
std::string FormatDuration(Duration d);

// Octal file modes: "0660", "660", "0o660"; at most 0777.
Result<unsigned> ParseFileMode(std::string_view text);
std::string FormatFileMode(unsigned mode);

Result<bool> ParseBool(std::string_view text);

}  // namespace cria::config

#include "libs/config/values.h"

#include <cstdint>
#include <string>

namespace cria::config {
namespace {

Status Bad(std::string_view want, std::string_view got) {
  return Status(StatusCode::kInvalidArgument,
                "expected " + std::string(want) + ", got \"" + std::string(got) + "\"");
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  constexpr std::string_view kWant = "a duration like 500ms, 30s, 2m or 1m30s";
  if (text.empty()) return Bad(kWant, text);
  if (text == "0") return Duration(0);
  int64_t total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t number = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000) return Bad(kWant, text);
      ++i;
    }
    if (i == start) return Bad(kWant, text);
    size_t unit_start = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z'))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t scale;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else {
      return Bad(kWant, text);
    }
    total_ms += number * scale;
  }
  return Duration(total_ms);
}

std::string FormatDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms % 1000 != 0) {
    if (ms < 1000) return std::to_string(ms) + "ms";
    return std::to_string(ms) + "ms";
  }
  int64_t s = ms / 1000;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0) out += std::to_string(s) + "s";
  return out;
}

Result<unsigned> ParseFileMode(std::string_view text) {
  constexpr std::string_view kWant = "an octal file mode like \"0660\"";
  std::string_view digits = text;
  if (digits.substr(0, 2) == "0o") digits.remove_prefix(2);
  if (digits.empty() || digits.size() > 4) return Bad(kWant, text);
  unsigned mode = 0;
  for (char c : digits) {
    if (c < '0' || c > '7') return Bad(kWant, text);
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (mode > 0777)
    return Bad("a file mode of at most 0777 (no setuid, setgid or sticky bits)", text);
  return mode;
}

std::string FormatFileMode(unsigned mode) {
  std::string out = "0";
  for (int shift = 6; shift >= 0; shift -= 3) out += static_cast<char>('0' + ((mode >> shift) & 7));
  return out;
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Bad("true or false", text);
}

}  // namespace cria::config

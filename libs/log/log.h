// Structured logging to stderr in logfmt (key=value) lines:
//   time=2026-11-23T21:34:51.123Z level=info daemon=cria-gateway msg="serving"
//   socket=/run/cria/cria.sock
// Under systemd (JOURNAL_STREAM names our stderr) the time is left to journald and each
// line starts with a syslog priority prefix ("<6>") so journald records the level.
// Each line is written with a single write(2), so lines from threads never interleave.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "libs/status/status.h"

namespace cria::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

// "error", "warn", "info", "debug", "trace" (also accepts "warning").
Result<Level> ParseLevel(std::string_view name);
std::string_view LevelName(Level level);

// Process-wide settings; call once from main before threads start.
void SetLevel(Level level);
Level CurrentLevel();
void SetDaemonName(std::string_view name);
// Where lines go (default 2 = stderr); tests point it at a pipe or file.
void SetOutputFd(int fd);

inline bool Enabled(Level level) {
  return static_cast<int>(level) <= static_cast<int>(CurrentLevel());
}

// One key=value pair. Values are formatted on construction.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v != nullptr ? v : "") {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  Field(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, const Status& s);

  std::string_view key;
  std::string value;
};

// Formats one line (without writing it); exposed for tests.
std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                       bool with_time, bool journald_prefix);

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields);

inline void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kError)) Write(Level::kError, msg, fields);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, msg, fields);
}
inline void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, msg, fields);
}
inline void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, msg, fields);
}
inline void Trace(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kTrace)) Write(Level::kTrace, msg, fields);
}

}  // namespace cria::log

#include "tools/criactl/output/cri_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>

namespace cria::criactl {
namespace {

// Howard Hinnant's days_from_civil: days since 1970-01-01.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t& pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// ".123" → nanoseconds; up to nine digits (more are cut, as they are below a nanosecond).
bool ReadFraction(std::string_view s, size_t& pos, int32_t* nanos) {
  *nanos = 0;
  if (pos >= s.size() || s[pos] != '.') return true;
  ++pos;
  size_t start = pos;
  int64_t v = 0;
  int digits = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    if (digits < 9) {
      v = v * 10 + (s[pos] - '0');
      ++digits;
    }
    ++pos;
  }
  if (pos == start) return false;
  for (; digits < 9; ++digits) v *= 10;
  *nanos = static_cast<int32_t>(v);
  return true;
}

// "Z" or "+hh:mm"; false when neither is at `pos`.
bool ReadZone(std::string_view s, size_t& pos, int32_t* offset) {
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
    *offset = 0;
    return true;
  }
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int hh, mm;
  if (!Digits(s, pos, 2, &hh) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &mm)) return false;
  if (hh > 23 || mm > 59) return false;
  *offset = sign * (hh * 3600 + mm * 60);
  return true;
}

struct Civil {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

bool ValidCivil(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31 && c.hour <= 23 &&
         c.minute <= 59 && c.second <= 60;
}

int64_t UnixSeconds(const Civil& c, int32_t offset) {
  return DaysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second -
         offset;
}

}  // namespace

Result<ZonedTime> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  Civil c;
  ZonedTime t;
  bool ok = Digits(text, pos, 4, &c.year) && Expect(text, pos, '-') &&
            Digits(text, pos, 2, &c.month) && Expect(text, pos, '-') &&
            Digits(text, pos, 2, &c.day) && (Expect(text, pos, 'T') || Expect(text, pos, 't')) &&
            Digits(text, pos, 2, &c.hour) && Expect(text, pos, ':') &&
            Digits(text, pos, 2, &c.minute) && Expect(text, pos, ':') &&
            Digits(text, pos, 2, &c.second) && ReadFraction(text, pos, &t.nanos) &&
            ReadZone(text, pos, &t.offset_seconds) && pos == text.size() && ValidCivil(c);
  if (!ok) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("\"{}\" is not an RFC 3339 timestamp", text));
  }
  t.unix_seconds = UnixSeconds(c, t.offset_seconds);
  return t;
}

Result<CriLogRecord> ParseCriLogLine(std::string_view line) {
  CriLogRecord record;
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) {
    return Status(StatusCode::kInvalidArgument, "timestamp is not found");
  }
  CRIA_ASSIGN_OR_RETURN(record.timestamp, ParseRfc3339(line.substr(0, sp)), "unexpected timestamp");
  line.remove_prefix(sp + 1);
  sp = line.find(' ');
  if (sp == std::string_view::npos) {
    return Status(StatusCode::kInvalidArgument, "stream type is not found");
  }
  std::string_view stream = line.substr(0, sp);
  if (stream == "stdout") {
    record.stream = LogStream::kStdout;
  } else if (stream == "stderr") {
    record.stream = LogStream::kStderr;
  } else {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("unexpected stream type \"{}\"", stream));
  }
  line.remove_prefix(sp + 1);
  // The tag, then a space and the content; an empty content may come without the space.
  sp = line.find(' ');
  std::string_view tags = line.substr(0, sp);
  std::string_view tag = tags.substr(0, tags.find(':'));
  if (tag == "P") {
    record.partial = true;
  } else if (tag != "F") {
    return Status(StatusCode::kInvalidArgument,
                  tags.empty() ? std::string("log tag is not found")
                               : fmt::format("unexpected log tag \"{}\"", tags));
  }
  if (sp != std::string_view::npos) record.content = std::string(line.substr(sp + 1));
  return record;
}

std::string FormatLogLine(const LogLine& line, bool timestamps) {
  std::string out;
  if (timestamps) out = FormatRfc3339Nano(line.timestamp) + " ";
  out += line.text;
  if (line.complete) out += '\n';
  return out;
}

void CriLogReader::AddRecord(std::string_view raw, std::vector<LogLine>* out) {
  ++records_;
  Result<CriLogRecord> record = ParseCriLogLine(raw);
  if (!record.ok()) {
    errors_.push_back(fmt::format("line {}: {}: {}", records_, MessageOf(record.status()), raw));
    return;
  }
  int s = record->stream == LogStream::kStdout ? 0 : 1;
  std::optional<LogLine>& pending = pending_[s];
  if (!pending.has_value()) {
    pending = LogLine{record->stream, record->timestamp, std::move(record->content), false};
    pending_order_[s] = records_;
  } else {
    pending->text += record->content;
  }
  if (!record->partial) {
    pending->complete = true;
    out->push_back(std::move(*pending));
    pending.reset();
  }
}

std::vector<LogLine> CriLogReader::Feed(std::string_view bytes) {
  std::vector<LogLine> out;
  buffer_.append(bytes);
  size_t start = 0;
  for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
    AddRecord(std::string_view(buffer_).substr(start, nl - start), &out);
  }
  buffer_.erase(0, start);
  return out;
}

std::vector<LogLine> CriLogReader::Rotated() {
  std::vector<LogLine> out;
  if (!buffer_.empty()) {
    AddRecord(buffer_, &out);
    buffer_.clear();
  }
  return out;
}

std::vector<LogLine> CriLogReader::Finish() {
  std::vector<LogLine> out = Rotated();
  int first = pending_order_[0] <= pending_order_[1] ? 0 : 1;
  for (int s : {first, 1 - first}) {
    if (pending_[s].has_value()) out.push_back(std::move(*pending_[s]));
    pending_[s].reset();
  }
  return out;
}

std::vector<std::string> CriLogReader::TakeErrors() { return std::exchange(errors_, {}); }

bool LogLineFilter::Since(const LogLine& line) const {
  if (!since_.has_value()) return true;
  int64_t ns = line.timestamp.unix_seconds * 1000000000 + line.timestamp.nanos;
  return ns >= *since_;
}

std::vector<LogLine> LogLineFilter::Select(std::vector<LogLine> lines) const {
  std::erase_if(lines, [this](const LogLine& line) { return !Since(line); });
  if (tail_ >= 0 && static_cast<size_t>(tail_) < lines.size()) {
    lines.erase(lines.begin(), lines.end() - tail_);
  }
  return lines;
}

Result<int64_t> ParseSince(std::string_view value, int64_t now_unix_nano) {
  if (value != "0") {
    if (std::optional<int64_t> d = ParseGoDuration(value); d.has_value()) {
      return now_unix_nano - *d;
    }
  }
  auto fail = [&] {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("failed to parse value as time or duration: \"{}\"", value));
  };
  // A date, then optionally a time of day and a zone.
  size_t pos = 0;
  Civil c;
  if (Digits(value, pos, 4, &c.year) && Expect(value, pos, '-')) {
    if (!Digits(value, pos, 2, &c.month) || !Expect(value, pos, '-') ||
        !Digits(value, pos, 2, &c.day)) {
      return fail();
    }
    int32_t nanos = 0;
    if (Expect(value, pos, 'T')) {
      if (!Digits(value, pos, 2, &c.hour)) return fail();
      if (Expect(value, pos, ':')) {
        if (!Digits(value, pos, 2, &c.minute)) return fail();
        if (Expect(value, pos, ':')) {
          if (!Digits(value, pos, 2, &c.second) || !ReadFraction(value, pos, &nanos)) {
            return fail();
          }
        }
      }
    }
    if (!ValidCivil(c)) return fail();
    int32_t offset = 0;
    int64_t seconds;
    if (pos == value.size()) {
      struct tm tm {};
      tm.tm_year = c.year - 1900;
      tm.tm_mon = c.month - 1;
      tm.tm_mday = c.day;
      tm.tm_hour = c.hour;
      tm.tm_min = c.minute;
      tm.tm_sec = c.second;
      tm.tm_isdst = -1;
      seconds = static_cast<int64_t>(mktime(&tm));
    } else if (ReadZone(value, pos, &offset) && pos == value.size()) {
      seconds = UnixSeconds(c, offset);
    } else {
      return fail();
    }
    return seconds * 1000000000 + nanos;
  }
  // Unix seconds, with an optional fraction.
  pos = 0;
  int64_t seconds = 0;
  size_t start = pos;
  while (pos < value.size() && std::isdigit(static_cast<unsigned char>(value[pos]))) {
    if (seconds > 9000000000) return fail();
    seconds = seconds * 10 + (value[pos] - '0');
    ++pos;
  }
  if (pos == start) return fail();
  int32_t nanos = 0;
  if (!ReadFraction(value, pos, &nanos) || pos != value.size()) return fail();
  return seconds * 1000000000 + nanos;
}

}  // namespace cria::criactl

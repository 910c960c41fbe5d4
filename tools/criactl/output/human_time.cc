#include "tools/criactl/output/human_time.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <string>

namespace cria::criactl {
namespace {

// Howard Hinnant's civil_from_days: days since 1970-01-01 → (year, month, day).
void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "2006-01-02" and "15:04:05" of the wall clock at `t`.
std::string DateTime(const ZonedTime& t, char separator) {
  int64_t local = t.unix_seconds + t.offset_seconds;
  int64_t days = FloorDiv(local, 86400);
  int64_t secs = local - days * 86400;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  return fmt::format("{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}", year, month, day, separator,
                     secs / 3600, secs / 60 % 60, secs % 60);
}

// ".5", ".123456789", or "" for zero: Go's ".999999999".
std::string Fraction(int32_t nanos) {
  if (nanos == 0) return "";
  std::string f = fmt::format(".{:09d}", nanos);
  while (f.back() == '0') f.pop_back();
  return f;
}

}  // namespace

std::optional<int64_t> ParseGoDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t pos = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    ++pos;
  }
  if (pos == s.size()) return std::nullopt;
  if (s.substr(pos) == "0") return 0;
  long double total = 0;
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    bool int_digits = pos > start;
    bool frac_digits = false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t f = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
      frac_digits = pos > f;
    }
    if (!int_digits && !frac_digits) return std::nullopt;
    long double number = std::stold(std::string(s.substr(start, pos - start)));
    size_t unit_start = pos;
    while (pos < s.size() && !std::isdigit(static_cast<unsigned char>(s[pos])) && s[pos] != '.') {
      ++pos;
    }
    std::string_view unit = s.substr(unit_start, pos - unit_start);
    long double scale;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s") {
      scale = 1e9;
    } else if (unit == "m") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else {
      return std::nullopt;  // a missing or unknown unit
    }
    total += number * scale;
  }
  if (total > 9.2e18L) return std::nullopt;
  int64_t ns = static_cast<int64_t>(total);
  return negative ? -ns : ns;
}

std::string HumanDuration(int64_t nanoseconds) {
  const double d = static_cast<double>(nanoseconds);
  const int64_t seconds = nanoseconds / 1000000000;
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  const int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  const int64_t hours = static_cast<int64_t>(d / 3.6e12 + 0.5);
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
  return fmt::format("{} years", static_cast<int64_t>(d / 3.6e12) / 24 / 365);
}

std::string CreatedAgo(int64_t created_unix_nano, int64_t now_unix_nano) {
  return HumanDuration(now_unix_nano - created_unix_nano) + " ago";
}

int64_t NowUnixNano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ZonedTime LocalTime(int64_t unix_nano) {
  ZonedTime t;
  t.unix_seconds = FloorDiv(unix_nano, 1000000000);
  t.nanos = static_cast<int32_t>(unix_nano - t.unix_seconds * 1000000000);
  time_t secs = static_cast<time_t>(t.unix_seconds);
  struct tm tm {};
  if (localtime_r(&secs, &tm) != nullptr) {
    t.offset_seconds = static_cast<int32_t>(tm.tm_gmtoff);
    t.zone_name = tm.tm_zone != nullptr ? tm.tm_zone : "";
  } else {
    t.zone_name = "UTC";
  }
  return t;
}

std::string FormatRfc3339Nano(const ZonedTime& t) {
  std::string out = DateTime(t, 'T') + Fraction(t.nanos);
  if (t.offset_seconds == 0) return out + "Z";
  int32_t off = t.offset_seconds;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return out + fmt::format("{}{:02d}:{:02d}", sign, off / 3600, off / 60 % 60);
}

std::string FormatGoTimeString(const ZonedTime& t) {
  int32_t off = t.offset_seconds;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  std::string zone = fmt::format("{}{:02d}{:02d}", sign, off / 3600, off / 60 % 60);
  // Go prints the numeric offset as the name of a zone that has none.
  return DateTime(t, ' ') + Fraction(t.nanos) + " " + zone + " " +
         (t.zone_name.empty() ? zone : t.zone_name);
}

}  // namespace cria::criactl

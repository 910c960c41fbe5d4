// Times for people and for crictl's JSON, as crictl prints them: go-units HumanDuration
// ("2 minutes ago"), Go's time.RFC3339Nano and Go's Time.String().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cria::criactl {

// Go's time.ParseDuration: "1h30m", "1.5s", "-2m", "300ms" (units ns, us, µs, ms, s, m,
// h; "0" alone). Nanoseconds; nullopt when `s` is not a duration.
std::optional<int64_t> ParseGoDuration(std::string_view s);

// go-units HumanDuration: "Less than a second", "1 second", "5 seconds", "About a
// minute", "12 minutes", "About an hour", "5 hours", "3 days", "2 weeks", "4 months",
// "3 years". Negative durations count as zero.
std::string HumanDuration(int64_t nanoseconds);

// crictl's CREATED column: HumanDuration(now - created) + " ago".
std::string CreatedAgo(int64_t created_unix_nano, int64_t now_unix_nano);

// The current time in nanoseconds since the epoch.
int64_t NowUnixNano();

// A point in time with the UTC offset (and zone name) it is shown in.
struct ZonedTime {
  int64_t unix_seconds = 0;
  int32_t nanos = 0;           // 0..999999999
  int32_t offset_seconds = 0;  // east of UTC
  std::string zone_name;       // "UTC", "CET"; only Time.String() uses it
};

// time.Unix(0, unix_nano) in the local time zone (TZ), as Go's time.Local does.
ZonedTime LocalTime(int64_t unix_nano);

// Go's t.Format(time.RFC3339Nano): "2024-05-01T10:00:00.5Z", "...+02:00"; the fraction
// without trailing zeros, none when zero.
std::string FormatRfc3339Nano(const ZonedTime& t);

// Go's zero time.Time{} in RFC3339Nano: "0001-01-01T00:00:00Z".
inline constexpr char kGoZeroTimeRfc3339[] = "0001-01-01T00:00:00Z";

// Go's Time.String(): "2024-05-01 10:00:00.5 +0200 CEST".
std::string FormatGoTimeString(const ZonedTime& t);

}  // namespace cria::criactl

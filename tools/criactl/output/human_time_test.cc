#include "tools/criactl/output/human_time.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kHour = 3600 * kSecond;

TEST_CASE("durations print as go-units HumanDuration") {
  CHECK(HumanDuration(0) == "Less than a second");
  CHECK(HumanDuration(-5 * kSecond) == "Less than a second");
  CHECK(HumanDuration(999999999) == "Less than a second");
  CHECK(HumanDuration(kSecond) == "1 second");
  CHECK(HumanDuration(59 * kSecond) == "59 seconds");
  CHECK(HumanDuration(60 * kSecond) == "About a minute");
  CHECK(HumanDuration(119 * kSecond) == "About a minute");
  CHECK(HumanDuration(120 * kSecond) == "2 minutes");
  CHECK(HumanDuration(59 * 60 * kSecond) == "59 minutes");
  CHECK(HumanDuration(60 * 60 * kSecond) == "About an hour");
  CHECK(HumanDuration(90 * 60 * kSecond - 1) == "About an hour");  // hours round
  CHECK(HumanDuration(90 * 60 * kSecond) == "2 hours");
  CHECK(HumanDuration(47 * kHour) == "47 hours");
  CHECK(HumanDuration(48 * kHour) == "2 days");
  CHECK(HumanDuration(13 * 24 * kHour) == "13 days");
  CHECK(HumanDuration(14 * 24 * kHour) == "2 weeks");
  CHECK(HumanDuration(60 * 24 * kHour) == "2 months");
  CHECK(HumanDuration(729 * 24 * kHour) == "24 months");
  CHECK(HumanDuration(730 * 24 * kHour) == "2 years");
  CHECK(CreatedAgo(100 * kSecond, 220 * kSecond) == "2 minutes ago");
  CHECK(CreatedAgo(100 * kSecond, 100 * kSecond) == "Less than a second ago");
}

TEST_CASE("times print as Go's RFC3339Nano and Time.String()") {
  ZonedTime t{1700000000, 0, 0, "UTC"};
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T22:13:20Z");
  t.nanos = 500000000;
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T22:13:20.5Z");
  t.nanos = 123456789;
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T22:13:20.123456789Z");
  CHECK(FormatGoTimeString(t) == "2023-11-14 22:13:20.123456789 +0000 UTC");
  t.offset_seconds = 3600;
  t.zone_name = "CET";
  t.nanos = 1000;
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T23:13:20.000001+01:00");
  CHECK(FormatGoTimeString(t) == "2023-11-14 23:13:20.000001 +0100 CET");
  t.offset_seconds = -(4 * 3600 + 30 * 60);
  t.zone_name = "";
  t.nanos = 0;
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T17:43:20-04:30");
  CHECK(FormatGoTimeString(t) == "2023-11-14 17:43:20 -0430 -0430");
  ZonedTime epoch{0, 0, 0, "UTC"};
  CHECK(FormatRfc3339Nano(epoch) == "1970-01-01T00:00:00Z");
  ZonedTime before{-1, 0, 0, "UTC"};
  CHECK(FormatRfc3339Nano(before) == "1969-12-31T23:59:59Z");
}

TEST_CASE("local time follows TZ") {
  setenv("TZ", "UTC", 1);
  tzset();
  ZonedTime t = LocalTime(1700000000 * kSecond + 42);
  CHECK(t.unix_seconds == 1700000000);
  CHECK(t.nanos == 42);
  CHECK(t.offset_seconds == 0);
  CHECK(FormatRfc3339Nano(t) == "2023-11-14T22:13:20.000000042Z");
  setenv("TZ", "EST5EDT", 1);
  tzset();
  t = LocalTime(1700000000 * kSecond);
  CHECK(t.offset_seconds == -5 * 3600);
  CHECK(FormatGoTimeString(t) == "2023-11-14 17:13:20 -0500 EST");
  setenv("TZ", "UTC", 1);
  tzset();
}

TEST_CASE("Go durations") {
  CHECK(ParseGoDuration("0") == 0);
  CHECK(ParseGoDuration("10s") == 10 * kSecond);
  CHECK(ParseGoDuration("1h30m") == 90 * 60 * kSecond);
  CHECK(ParseGoDuration("1.5s") == 1500000000);
  CHECK(ParseGoDuration("300ms") == 300000000);
  CHECK(ParseGoDuration("2us") == 2000);
  CHECK(ParseGoDuration("-2m") == -120 * kSecond);
  CHECK_FALSE(ParseGoDuration("").has_value());
  CHECK_FALSE(ParseGoDuration("10").has_value());
  CHECK_FALSE(ParseGoDuration("1d").has_value());
  CHECK_FALSE(ParseGoDuration("s").has_value());
  CHECK_FALSE(ParseGoDuration("2013-01-02").has_value());
}

}  // namespace
}  // namespace cria::criactl

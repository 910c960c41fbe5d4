#include "tools/criactl/output/cri_log.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

constexpr int64_t kSecond = 1000000000;

std::string Print(const std::vector<LogLine>& lines, bool timestamps = false) {
  std::string out;
  for (const auto& line : lines) {
    out += line.stream == LogStream::kStdout ? "[out] " : "[err] ";
    out += FormatLogLine(line, timestamps);
  }
  return out;
}

TEST_CASE("a record: timestamp, stream, tag, content") {
  Result<CriLogRecord> r = ParseCriLogLine("2016-10-06T00:17:09.669794202Z stdout F hello world");
  REQUIRE(r.ok());
  CHECK(r->timestamp.unix_seconds == 1475713029);
  CHECK(r->timestamp.nanos == 669794202);
  CHECK(r->stream == LogStream::kStdout);
  CHECK_FALSE(r->partial);
  CHECK(r->content == "hello world");

  r = ParseCriLogLine("2016-10-06T02:17:09.5+02:00 stderr P  two  spaces ");
  REQUIRE(r.ok());
  CHECK(r->timestamp.unix_seconds == 1475713029);
  CHECK(r->timestamp.offset_seconds == 7200);
  CHECK(r->stream == LogStream::kStderr);
  CHECK(r->partial);
  CHECK(r->content == " two  spaces ");

  // More tags after the first (the kubelet keeps this forward compatible); empty content.
  r = ParseCriLogLine("2016-10-06T00:17:09Z stdout F:x ");
  REQUIRE(r.ok());
  CHECK(r->content.empty());
  r = ParseCriLogLine("2016-10-06T00:17:09Z stdout F");
  REQUIRE(r.ok());
  CHECK(r->content.empty());
}

TEST_CASE("bad records say what is wrong") {
  auto why = [](std::string_view line) { return MessageOf(ParseCriLogLine(line).status()); };
  CHECK(why("garbage") == "timestamp is not found");
  CHECK(why("yesterday stdout F x").find("unexpected timestamp") == 0);
  CHECK(why("2016-10-06T00:17:09Z") == "timestamp is not found");
  CHECK(why("2016-10-06T00:17:09Z stdout") == "stream type is not found");
  CHECK(why("2016-10-06T00:17:09Z stdin F x") == "unexpected stream type \"stdin\"");
  CHECK(why("2016-10-06T00:17:09Z stdout X x") == "unexpected log tag \"X\"");
  CHECK(why("2016-10-06T00:17:09Z stdout  x") == "log tag is not found");
  CHECK_FALSE(ParseRfc3339("2016-13-06T00:17:09Z").ok());
  CHECK_FALSE(ParseRfc3339("2016-10-06T00:17:09").ok());
  CHECK_FALSE(ParseRfc3339("2016-10-06 00:17:09Z").ok());
}

TEST_CASE("partial records join into one line, per stream") {
  CriLogReader reader;
  std::vector<LogLine> lines = reader.Feed(
      "2024-01-01T00:00:01Z stdout P hel\n"
      "2024-01-01T00:00:02Z stderr P warn\n"
      "2024-01-01T00:00:03Z stdout P lo \n"
      "2024-01-01T00:00:04Z stdout F world\n"
      "2024-01-01T00:00:05Z stderr F ing\n");
  CHECK(Print(lines) == "[out] hello world\n[err] warning\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].timestamp.unix_seconds == 1704067201);  // its first record's
  CHECK(FormatLogLine(lines[0], true) == "2024-01-01T00:00:01Z hello world\n");
  CHECK(reader.TakeErrors().empty());
}

TEST_CASE("records split across reads; bad lines are skipped and reported") {
  CriLogReader reader;
  CHECK(reader.Feed("2024-01-01T00:00:01.100Z std").empty());
  CHECK(reader.Feed("out F one\nnot a record\n2024-01-01T00:00:02Z std").size() == 1);
  std::vector<std::string> errors = reader.TakeErrors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        R"(line 2: unexpected timestamp: "not" is not an RFC 3339 timestamp: not a record)");
  CHECK(reader.TakeErrors().empty());
  std::vector<LogLine> rest = reader.Feed("err F two\n2024-01-01T00:00:03Z stdout P three");
  CHECK(Print(rest, true) == "[err] 2024-01-01T00:00:02Z two\n");
  // The end of the file: the last record without its newline, then an unended line,
  // printed without a newline as the container wrote none.
  CHECK(Print(reader.Finish()) == "[out] three");
}

TEST_CASE("unended partial lines come out at the end in the order they began") {
  CriLogReader reader;
  reader.Feed("2024-01-01T00:00:01Z stderr P e1\n2024-01-01T00:00:02Z stdout P o1\n");
  CHECK(Print(reader.Finish()) == "[err] e1[out] o1");
  CHECK(reader.Finish().empty());
}

TEST_CASE("rotation: a line goes on in the new file") {
  CriLogReader reader;
  CHECK(reader.Feed("2024-01-01T00:00:01Z stdout P begun in the old file, \n").empty());
  CHECK(reader.Rotated().empty());
  CHECK(Print(reader.Feed("2024-01-01T00:00:02Z stdout F ended in the new\n")) ==
        "[out] begun in the old file, ended in the new\n");
  // A record cut short by the rotation is taken as it is.
  reader.Feed("2024-01-01T00:00:03Z stdout F cut");
  CHECK(Print(reader.Rotated()) == "[out] cut\n");
}

TEST_CASE("--tail and --since") {
  CriLogReader reader;
  std::vector<LogLine> lines = reader.Feed(
      "2024-01-01T00:00:01Z stdout F 1\n2024-01-01T00:00:02Z stderr F 2\n"
      "2024-01-01T00:00:03Z stdout P 3\n2024-01-01T00:00:04Z stdout F +\n"
      "2024-01-01T00:00:05Z stdout F 4\n");
  CHECK(Print(LogLineFilter(-1, std::nullopt).Select(lines)) ==
        "[out] 1\n[err] 2\n[out] 3+\n[out] 4\n");
  CHECK(Print(LogLineFilter(2, std::nullopt).Select(lines)) == "[out] 3+\n[out] 4\n");
  CHECK(Print(LogLineFilter(0, std::nullopt).Select(lines)).empty());
  CHECK(Print(LogLineFilter(10, std::nullopt).Select(lines)) == Print(lines));
  const int64_t t3 = 1704067203 * kSecond;
  LogLineFilter since(-1, t3);
  CHECK(Print(since.Select(lines)) == "[out] 3+\n[out] 4\n");
  CHECK(Print(LogLineFilter(1, t3).Select(lines)) == "[out] 4\n");
  CHECK_FALSE(since.Since(lines[0]));
  CHECK(since.Since(lines[2]));
}

TEST_CASE("--since: durations, times, dates, Unix seconds") {
  setenv("TZ", "UTC", 1);
  tzset();
  const int64_t now = 1700000000 * kSecond;
  CHECK(ParseSince("42m", now).value() == now - 42 * 60 * kSecond);
  CHECK(ParseSince("1h30m", now).value() == now - 90 * 60 * kSecond);
  CHECK(ParseSince("2023-11-14T22:13:20Z", now).value() == now);
  CHECK(ParseSince("2023-11-14T23:13:20.5+01:00", now).value() == now + kSecond / 2);
  CHECK(ParseSince("2023-11-14T22:13:20", now).value() == now);  // local time
  CHECK(ParseSince("2023-11-14T22:13", now).value() == now - 20 * kSecond);
  CHECK(ParseSince("2023-11-14T22", now).value() == now - 13 * 60 * kSecond - 20 * kSecond);
  CHECK(ParseSince("2023-11-14", now).value() == 1699920000 * kSecond);
  CHECK(ParseSince("1700000000", now).value() == now);
  CHECK(ParseSince("1700000000.25", now).value() == now + kSecond / 4);
  CHECK(ParseSince("0", now).value() == 0);
  for (const char* bad : {"", "yesterday", "2023-11-14T25:00", "2023-11", "12abc", "1.2.3"}) {
    INFO(bad);
    Result<int64_t> r = ParseSince(bad, now);
    REQUIRE_FALSE(r.ok());
    CHECK(MessageOf(r.status()).find("failed to parse value as time or duration") == 0);
  }
}

}  // namespace
}  // namespace cria::criactl

// The CRI log file format the kubelet reads (and conmon writes), one record a line:
//   2016-10-06T00:17:09.669794202Z stdout P log content 1
//   2016-10-06T00:17:09.669794203Z stderr F log content 2
// P marks a partial record whose line goes on in the next record of the same stream; F
// ends the line. criactl logs reads it as the kubelet's ReadLogs does.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"
#include "tools/criactl/output/human_time.h"

namespace cria::criactl {

enum class LogStream { kStdout, kStderr };

struct CriLogRecord {
  ZonedTime timestamp;
  LogStream stream = LogStream::kStdout;
  bool partial = false;
  std::string content;
};

// An RFC 3339 time with an optional fraction of up to nine digits and a zone ("Z" or
// "+hh:mm"): "2016-10-06T00:17:09.669794202Z". InvalidArgument otherwise.
Result<ZonedTime> ParseRfc3339(std::string_view text);

// One line of the file without its newline. The tag may carry more ':'-separated tags
// after P or F (as the kubelet allows); content may be empty. InvalidArgument, saying
// what is wrong, for anything else.
Result<CriLogRecord> ParseCriLogLine(std::string_view line);

// A line as the container wrote it: its partial records joined.
struct LogLine {
  LogStream stream = LogStream::kStdout;
  ZonedTime timestamp;   // of its first record
  std::string text;      // without the newline
  bool complete = true;  // false: its last record was partial (the file ended there)
};

// The line as `logs` prints it: "<RFC3339Nano> " first with `timestamps`, then the text,
// then a newline unless the line is incomplete (as the container wrote no newline).
std::string FormatLogLine(const LogLine& line, bool timestamps);

// Turns the bytes of a CRI log file into lines, read in any pieces.
class CriLogReader {
 public:
  // Appends bytes that follow the ones fed before; returns the lines they complete.
  std::vector<LogLine> Feed(std::string_view bytes);
  // The file ends here: a last record without a newline, then partial lines not yet
  // ended, in the order they began.
  std::vector<LogLine> Finish();
  // The file was replaced (rotation): a record left without its newline in the old file
  // is taken as it is; lines in progress go on in the new file.
  std::vector<LogLine> Rotated();
  // Why lines were skipped since the last call ("line 3: stream type \"x\" ...").
  std::vector<std::string> TakeErrors();

 private:
  void AddRecord(std::string_view raw, std::vector<LogLine>* out);

  std::string buffer_;                 // bytes after the last newline
  std::optional<LogLine> pending_[2];  // per stream: a line of partial records
  uint64_t pending_order_[2] = {0, 0};
  uint64_t records_ = 0;
  std::vector<std::string> errors_;
};

// --tail and --since: at most the last `tail` lines (all when negative) of those whose
// first record is not before `since_unix_nano`.
class LogLineFilter {
 public:
  LogLineFilter(int64_t tail, std::optional<int64_t> since_unix_nano)
      : tail_(tail), since_(since_unix_nano) {}
  // Whether a line passes --since.
  bool Since(const LogLine& line) const;
  // The lines of `lines` to print, by --since and --tail.
  std::vector<LogLine> Select(std::vector<LogLine> lines) const;

 private:
  int64_t tail_;
  std::optional<int64_t> since_;
};

// crictl's --since (docker's GetTimestamp): a Go duration before `now` ("42m", "1h30m",
// "10s"), an RFC 3339 time or a shorter form of it ("2013-01-02T13:23:37",
// "2013-01-02T13:23", "2013-01-02", in local time when no zone is given), or Unix
// seconds with an optional fraction ("1700000000.5"). Nanoseconds since the epoch.
Result<int64_t> ParseSince(std::string_view value, int64_t now_unix_nano);

}  // namespace cria::criactl

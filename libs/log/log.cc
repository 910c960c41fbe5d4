#include "libs/log/log.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cria::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_fd{2};
std::string g_daemon;  // set once before threads start

// True when stderr is the journald stream systemd connected us to (JOURNAL_STREAM is
// "device:inode" of that stream).
bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long dev = 0, ino = 0;
  if (std::sscanf(stream, "%lu:%lu", &dev, &ino) != 2) return false;
  struct stat st;
  if (fstat(2, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, std::string_view v) {
  if (!NeedsQuotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendTime(std::string& out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
  out += buf;
}

// syslog priorities: err=3, warning=4, info=6, debug=7.
char SyslogPriority(Level level) {
  switch (level) {
    case Level::kError:
      return '3';
    case Level::kWarn:
      return '4';
    case Level::kInfo:
      return '6';
    default:
      return '7';
  }
}

}  // namespace

Field::Field(std::string_view k, const Status& s)
    : key(k), value(s.ok() ? std::string("OK") : MessageOf(s)) {}

Result<Level> ParseLevel(std::string_view name) {
  if (name == "error") return Level::kError;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "info") return Level::kInfo;
  if (name == "debug") return Level::kDebug;
  if (name == "trace") return Level::kTrace;
  return Status(StatusCode::kInvalidArgument, "unknown log level \"" + std::string(name) +
                                                  "\" (want error, warn, info, debug or trace)");
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kError:
      return "error";
    case Level::kWarn:
      return "warn";
    case Level::kInfo:
      return "info";
    case Level::kDebug:
      return "debug";
    case Level::kTrace:
      return "trace";
  }
  return "info";
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }
Level CurrentLevel() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }
void SetDaemonName(std::string_view name) { g_daemon = std::string(name); }
void SetOutputFd(int fd) { g_fd.store(fd); }

std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                       bool with_time, bool journald_prefix) {
  std::string line;
  line.reserve(128);
  if (journald_prefix) {
    line += '<';
    line += SyslogPriority(level);
    line += '>';
  }
  if (with_time) {
    line += "time=";
    AppendTime(line);
    line += ' ';
  }
  line += "level=";
  line += LevelName(level);
  if (!g_daemon.empty()) {
    line += " daemon=";
    AppendValue(line, g_daemon);
  }
  line += " msg=";
  AppendValue(line, msg);
  for (const Field& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    AppendValue(line, f.value);
  }
  line += '\n';
  return line;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  static const bool journal = StderrIsJournal();
  int fd = g_fd.load();
  bool to_journal = journal && fd == 2;
  std::string line = FormatLine(level, msg, fields, !to_journal, to_journal);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a logging failure
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace cria::log

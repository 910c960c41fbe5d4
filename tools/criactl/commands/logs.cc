// criactl logs: print a container's log (crictl logs), read from the CRI log file the
// runtime reports in ContainerStatus.log_path, as the kubelet's ReadLogs reads it: stdout
// lines to stdout, stderr lines to stderr, partial records joined. -f follows the file
// (inotify on its directory, a poll when that is not available) through rotations until
// the container is no longer running and the file is read to its end, or until Ctrl-C.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "tools/criactl/commands/runtime_calls.h"
#include "tools/criactl/output/cri_log.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
using Clock = std::chrono::steady_clock;

// How often a followed container's state is asked for while its log is quiet.
constexpr std::chrono::milliseconds kStateCheckInterval{1000};

struct LogsOptions {
  std::string id;
  bool follow = false;
  bool timestamps = false;
  bool previous = false;
  bool reopen = false;
  int64_t tail = -1;
  int64_t limit_bytes = -1;
  std::string since;
  std::string stream;
  CLI::Option* tail_option = nullptr;
  CLI::Option* stream_option = nullptr;
};

class FdCloser {
 public:
  explicit FdCloser(int fd = -1) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() { Reset(-1); }
  void Reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Writes lines to stdout or stderr in order, with --stream and --limit-bytes.
class LogOutput {
 public:
  LogOutput(const LogsOptions& options) : options_(options), left_(options.limit_bytes) {}

  // False once --limit-bytes is reached.
  bool Write(const LogLine& line) {
    if (left_ == 0) return false;
    if (!options_.stream.empty() &&
        options_.stream != (line.stream == LogStream::kStdout ? "stdout" : "stderr")) {
      return true;
    }
    int fd = line.stream == LogStream::kStdout ? STDOUT_FILENO : STDERR_FILENO;
    if (fd != buffer_fd_) Flush();
    buffer_fd_ = fd;
    std::string text = FormatLogLine(line, options_.timestamps);
    if (left_ > 0 && static_cast<int64_t>(text.size()) > left_) text.resize(left_);
    if (left_ > 0) left_ -= static_cast<int64_t>(text.size());
    buffer_ += text;
    if (buffer_.size() > (64 << 10)) Flush();
    return left_ != 0;
  }

  void Flush() {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = write(buffer_fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  const LogsOptions& options_;
  int64_t left_;  // bytes --limit-bytes still allows; negative: no limit
  std::string buffer_;
  int buffer_fd_ = STDOUT_FILENO;
};

// Reads what `fd` has from its current offset to its end. False on a read error.
bool ReadToEnd(int fd, std::string* out) {
  char buf[64 << 10];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buf, static_cast<size_t>(n));
  }
}

bool SameFile(int fd, const std::string& path) {
  struct stat a {
  }, b{};
  if (fstat(fd, &a) != 0 || stat(path.c_str(), &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

class LogFollower {
 public:
  LogFollower(Verb& verb, const LogsOptions& options, const std::string& path,
              const LogLineFilter& filter)
      : verb_(verb), options_(options), path_(path), filter_(filter), out_(options) {}

  int Run() {
    file_.Reset(open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (file_.get() < 0) {
      return ReportError(verb_, "failed to open log file \"" + path_ + "\": " + strerror(errno));
    }
    // What is there now, cut by --tail.
    std::string data;
    if (!ReadToEnd(file_.get(), &data)) return ReadError();
    std::vector<LogLine> lines = reader_.Feed(data);
    if (!options_.follow) {
      for (LogLine& line : reader_.Finish()) lines.push_back(std::move(line));
    }
    PrintErrors();
    for (const LogLine& line : filter_.Select(std::move(lines))) {
      if (!out_.Write(line)) return Done();
    }
    if (!options_.follow) return Done();
    return Follow();
  }

 private:
  int Done() {
    out_.Flush();
    return 0;
  }

  int ReadError() {
    out_.Flush();
    return ReportError(verb_, "read log file \"" + path_ + "\": " + strerror(errno));
  }

  void PrintErrors() {
    for (const std::string& e : reader_.TakeErrors()) {
      std::cerr << "criactl logs: skipping a line of " << path_
                << " that is not a CRI log record: " << e << "\n";
    }
  }

  // Prints new lines (those that pass --since); false once --limit-bytes is reached.
  bool Emit(std::vector<LogLine> lines) {
    PrintErrors();
    for (const LogLine& line : lines) {
      if (filter_.Since(line) && !out_.Write(line)) return false;
    }
    return true;
  }

  // Reads what was appended; when the path now names another file (rotation), reads the
  // old one to its end and goes on with the new one from its start. False once
  // --limit-bytes is reached.
  bool Catch(bool* failed) {
    std::string data;
    if (!ReadToEnd(file_.get(), &data)) {
      *failed = true;
      return false;
    }
    if (!Emit(reader_.Feed(data))) return false;
    if (!SameFile(file_.get(), path_)) {
      int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {  // else rotated away and not created again yet: wait for it
        data.clear();
        if (!ReadToEnd(file_.get(), &data)) {
          close(fd);
          *failed = true;
          return false;
        }
        if (!Emit(reader_.Feed(data)) || !Emit(reader_.Rotated())) {
          close(fd);
          return false;
        }
        file_.Reset(fd);
        return Catch(failed);
      }
    }
    return true;
  }

  // Whether the container still runs; an error (printed) ends the follow too.
  bool Running(bool* failed) {
    cri::ContainerStatusRequest request;
    request.set_container_id(options_.id);
    cri::ContainerStatusResponse response;
    auto ctx = verb_.client->Context();
    grpc::Status s = verb_.client->runtime().ContainerStatus(ctx.get(), request, &response);
    if (!s.ok()) {
      out_.Flush();
      ReportRpcError(verb_, "container status", s);
      *failed = true;
      return false;
    }
    return response.status().state() == cri::CONTAINER_RUNNING;
  }

  int Follow() {
    // Ctrl-C and SIGTERM end the follow quietly, after what was read is printed.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    FdCloser signal_fd(signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK));
    FdCloser notify(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (notify.get() >= 0) {
      std::string dir = std::filesystem::path(path_).parent_path().string();
      if (inotify_add_watch(notify.get(), dir.c_str(),
                            IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_CLOSE_WRITE) < 0) {
        notify.Reset(-1);
      }
    }
    // Without inotify, a poll every 200 ms.
    const int wait_ms = notify.get() >= 0 ? static_cast<int>(kStateCheckInterval.count()) : 200;
    Clock::time_point last_check = Clock::now();
    bool failed = false;
    for (;;) {
      if (!Catch(&failed)) return failed ? ReadError() : Done();
      out_.Flush();
      if (Clock::now() - last_check >= kStateCheckInterval) {
        last_check = Clock::now();
        if (!Running(&failed)) {
          if (failed) return 1;
          // The container is done: what it wrote is in the file; print the rest.
          if (!Catch(&failed)) return failed ? ReadError() : Done();
          (void)Emit(reader_.Finish());
          return Done();
        }
      }
      struct pollfd fds[2] = {{signal_fd.get(), POLLIN, 0}, {notify.get(), POLLIN, 0}};
      int n = poll(fds, 2, wait_ms);
      if (n < 0 && errno != EINTR)
        return ReportError(verb_, std::string("poll: ") + strerror(errno));
      if (n > 0 && (fds[0].revents & POLLIN)) {
        (void)Catch(&failed);
        return Done();
      }
      if (n > 0 && (fds[1].revents & POLLIN)) {
        char buf[4096];
        while (read(notify.get(), buf, sizeof(buf)) > 0) {
        }
      }
      // Quiet for a whole interval: ask for the state now.
      if (n == 0 && notify.get() >= 0) last_check = Clock::time_point();
    }
  }

  Verb& verb_;
  const LogsOptions& options_;
  const std::string path_;
  const LogLineFilter& filter_;
  LogOutput out_;
  CriLogReader reader_;
  FdCloser file_;
};

int RunLogs(Verb& verb, const LogsOptions& options) {
  if (!options.stream.empty() && options.stream != "stdout" && options.stream != "stderr") {
    return ReportError(
        verb, "invalid stream \"" + options.stream + "\", must be \"stdout\" or \"stderr\"");
  }
  if (options.tail_option->count() > 0 && options.stream_option->count() > 0) {
    return ReportError(verb, "--tail and --stream are mutually exclusive");
  }
  if (options.reopen) {
    cri::ReopenContainerLogRequest request;
    request.set_container_id(options.id);
    cri::ReopenContainerLogResponse response;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().ReopenContainerLog(ctx.get(), request, &response);
    if (!s.ok()) return ReportRpcError(verb, "reopen container logs", s);
    std::cerr << "Container logs reopened\n";
  }
  std::optional<int64_t> since;
  if (!options.since.empty()) {
    Result<int64_t> parsed = ParseSince(options.since, NowUnixNano());
    if (!parsed.ok()) return ReportError(verb, MessageOf(parsed.status()));
    since = *parsed;
  }
  cri::ContainerStatusRequest request;
  request.set_container_id(options.id);
  cri::ContainerStatusResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().ContainerStatus(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(verb, "container status", s);
  std::string path = response.status().log_path();
  if (path.empty()) return ReportError(verb, "the container has not set log path");
  if (options.previous) {
    // crictl's guess: the same directory, "<attempt - 1>" and the same extension.
    uint32_t attempt = response.status().metadata().attempt();
    if (attempt == 0) {
      return ReportError(verb, "previous terminated container " +
                                   response.status().metadata().name() + " not found");
    }
    std::filesystem::path p(path);
    path = (p.parent_path() / (std::to_string(attempt - 1) + p.extension().string())).string();
  }
  if (options.reopen) {
    // conmon makes the new file after ReopenContainerLog has returned (CRI-O waits for it
    // in the call; cria-runtime does not yet): give it a moment.
    for (int i = 0; i < 100 && access(path.c_str(), F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  LogLineFilter filter(options.tail, since);
  LogFollower follower(verb, options, path, filter);
  return follower.Run();
}

}  // namespace

void AddLogsCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<LogsOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "logs", "Fetch the logs of a container", "table", {},
                          [options](Verb& verb) { return RunLogs(verb, *options); });
  cmd->add_option("container-id", options->id, "CONTAINER-ID")->required();
  cmd->add_flag("-f,--follow", options->follow,
                "Follow log output until the container exits (or Ctrl-C)");
  cmd->add_flag("-p,--previous", options->previous,
                "Print the logs for the previous instance of the container in a pod if it "
                "exists");
  cmd->add_flag("-r,--reopen", options->reopen,
                "Reopen the container logs for the provided container");
  options->tail_option = cmd->add_option(
      "--tail", options->tail, "Number of lines to show from the end of the logs. Defaults to all");
  cmd->add_option("--limit-bytes", options->limit_bytes,
                  "Maximum bytes of logs to return. Defaults to no limit");
  cmd->add_option("--since", options->since,
                  "Show logs since timestamp (e.g. 2013-01-02T13:23:37) or relative (e.g. 42m "
                  "for 42 minutes)");
  cmd->add_flag("-t,--timestamps", options->timestamps, "Show timestamps");
  options->stream_option =
      cmd->add_option("-s,--stream", options->stream,
                      "Show specified stream (stdout or stderr). Defaults to both.");
}

}  // namespace cria::criactl

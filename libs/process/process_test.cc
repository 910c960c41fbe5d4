#include "libs/process/process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "libs/process/async_run.h"
#include "libs/process/spawn.h"
#include "libs/testing/temp_dir.h"

namespace cria::process {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using cria::testing::TempDir;

// A safety net: no test waits forever if the library hangs.
constexpr milliseconds kTestTimeout{20000};

Command Cmd(std::vector<std::string> argv) {
  Command cmd;
  cmd.argv = std::move(argv);
  cmd.timeout = kTestTimeout;
  return cmd;
}

Outcome RunOk(const Command& cmd) {
  Result<Outcome> result = Run(cmd);
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  return *std::move(result);
}

int CountOpenFds() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

// True when this process has no child left, running or zombie.
bool NoChildren() { return waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

// Whether `pid` has finished dying: gone, or a zombie waiting for its new parent.
bool IsDead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const std::size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z' ||
         line[paren + 2] == 'X';
}

// Polls (bounded) for `pid` to die: SIGKILL is asynchronous.
bool DiesSoon(pid_t pid) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    if (IsDead(pid)) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return IsDead(pid);
}

TEST_CASE("Run reports the exit code") {
  Outcome three = RunOk(Cmd({"/bin/sh", "-c", "exit 3"}));
  CHECK(three.exit_code == 3);
  CHECK(three.signal == 0);
  CHECK_FALSE(three.Succeeded());
  CHECK(three.Describe() == "exited with code 3");

  Outcome ok = RunOk(Cmd({"true"}));
  CHECK(ok.exit_code == 0);
  CHECK(ok.Succeeded());
  CHECK(ok.Describe() == "exited with code 0");

  CHECK(RunOk(Cmd({"false"})).exit_code == 1);
}

TEST_CASE("Run reports death by a signal") {
  Outcome killed = RunOk(Cmd({"/bin/sh", "-c", "kill -TERM $$"}));
  CHECK(killed.exit_code == -1);
  CHECK(killed.signal == SIGTERM);
  CHECK_FALSE(killed.timed_out);
  CHECK_FALSE(killed.Succeeded());
  CHECK(killed.Describe() == "killed by signal 15 (SIGTERM)");
}

TEST_CASE("stdout and stderr are captured separately") {
  Outcome outcome = RunOk(Cmd({"/bin/sh", "-c", "echo out; echo err >&2; echo more"}));
  CHECK(outcome.Succeeded());
  CHECK(outcome.out == "out\nmore\n");
  CHECK(outcome.err == "err\n");
  CHECK_FALSE(outcome.stdout_truncated);
  CHECK_FALSE(outcome.stderr_truncated);
}

TEST_CASE("argv is passed as is, without a shell") {
  Outcome outcome =
      RunOk(Cmd({"/bin/sh", "-c", "printf '[%s]' \"$@\"", "sh", "a b", "$HOME", "*"}));
  CHECK(outcome.out == "[a b][$HOME][*]");
}

TEST_CASE("stdin_data is fed to the child, then stdin is closed") {
  Command cmd = Cmd({"cat"});
  cmd.stdin_data = "hello\nworld";
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.Succeeded());
  CHECK(outcome.out == "hello\nworld");
}

TEST_CASE("stdin is /dev/null when stdin_data is empty") {
  Outcome outcome = RunOk(Cmd({"cat"}));
  CHECK(outcome.Succeeded());
  CHECK(outcome.out.empty());
  CHECK(RunOk(Cmd({"/bin/sh", "-c", "test \"$(readlink /proc/self/fd/0)\" = /dev/null"}))
            .Succeeded());
}

TEST_CASE("large stdin and output larger than the pipe buffer do not deadlock") {
  std::string data;
  data.reserve(8 << 20);
  for (int i = 0; data.size() < (8u << 20); ++i) data += "line " + std::to_string(i) + "\n";
  Command cmd = Cmd({"cat"});
  cmd.stdin_data = data;
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.Succeeded());
  CHECK(outcome.out.size() == data.size());
  CHECK(outcome.out == data);
  CHECK_FALSE(outcome.stdout_truncated);
}

TEST_CASE("a child that does not read its stdin neither hangs nor kills us with SIGPIPE") {
  Command cmd = Cmd({"true"});
  cmd.stdin_data = std::string(1 << 20, 'x');
  const auto start = Clock::now();
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.Succeeded());
  CHECK(Clock::now() - start < std::chrono::seconds(5));

  // Reads a little, then closes stdin and keeps running.
  Command partial = Cmd({"/bin/sh", "-c", "head -c 10 >/dev/null; exec 0<&-; echo done"});
  partial.stdin_data = std::string(4 << 20, 'y');
  Outcome partial_outcome = RunOk(partial);
  CHECK(partial_outcome.Succeeded());
  CHECK(partial_outcome.out == "done\n");
}

TEST_CASE("cwd is honoured") {
  TempDir tmp("cria-process-test-");
  const std::filesystem::path dir = std::filesystem::canonical(tmp.path());
  Command cmd = Cmd({"pwd"});
  cmd.cwd = dir.string();
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.out == dir.string() + "\n");

  Command missing = Cmd({"pwd"});
  missing.cwd = (dir / "missing").string();
  Result<Outcome> result = Run(missing);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kNotFound);
  CHECK_THAT(MessageOf(result.status()),
             Catch::Contains("chdir " + missing.cwd) && Catch::Contains("ENOENT"));
}

TEST_CASE("env replaces the environment; nullopt inherits it") {
  Command cmd = Cmd({"env"});
  cmd.env = std::vector<std::string>{"A=1", "B=two words"};
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.out == "A=1\nB=two words\n");

  Command empty = Cmd({"env"});
  empty.env = std::vector<std::string>{};
  CHECK(RunOk(empty).out.empty());

  REQUIRE(setenv("CRIA_PROCESS_TEST_VAR", "inherited", 1) == 0);
  Outcome inherited = RunOk(Cmd({"env"}));
  unsetenv("CRIA_PROCESS_TEST_VAR");
  CHECK_THAT(inherited.out, Catch::Contains("CRIA_PROCESS_TEST_VAR=inherited\n"));
}

TEST_CASE("a program without '/' is searched in PATH") {
  // Found through the parent's PATH even when the child's environment has none.
  Command cmd = Cmd({"sh", "-c", "echo $0"});
  cmd.env = std::vector<std::string>{};
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.out == "sh\n");  // argv[0] stays as given

  TempDir tmp("cria-process-test-");
  const std::filesystem::path dir = std::filesystem::canonical(tmp.path());
  const std::string script = (dir / "cria-test-prog").string();
  {
    std::ofstream out(script);
    out << "#!/bin/sh\necho found me\n";
  }
  REQUIRE(chmod(script.c_str(), 0755) == 0);
  const std::string path = "relative/dir:" + dir.string();
  Result<std::string> found = internal::FindExecutable("cria-test-prog", path.c_str());
  REQUIRE(found.ok());
  CHECK(*found == script);
  CHECK(internal::FindExecutable("sh", "/nonexistent:/bin").value() == "/bin/sh");
  CHECK(internal::FindExecutable("./x", "/bin").value() == "./x");

  REQUIRE(chmod(script.c_str(), 0644) == 0);
  CHECK(internal::FindExecutable("cria-test-prog", path.c_str()).status().code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("a missing program is NotFound, naming it") {
  Result<Outcome> by_path = Run(Cmd({"/no/such/program", "arg"}));
  REQUIRE_FALSE(by_path.ok());
  CHECK(by_path.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(by_path.status()) ==
        "start /no/such/program: ENOENT (No such file or directory)");

  Result<Outcome> by_name = Run(Cmd({"cria-no-such-program"}));
  REQUIRE_FALSE(by_name.ok());
  CHECK(by_name.status().code() == StatusCode::kNotFound);
  CHECK_THAT(MessageOf(by_name.status()),
             Catch::StartsWith("start cria-no-such-program: ") && Catch::Contains("ENOENT"));
}

TEST_CASE("a program that is not executable is PermissionDenied") {
  TempDir tmp("cria-process-test-");
  const std::filesystem::path dir = std::filesystem::canonical(tmp.path());
  const std::string file = (dir / "not-executable").string();
  std::ofstream(file) << "#!/bin/sh\n";
  REQUIRE(chmod(file.c_str(), 0644) == 0);
  Result<Outcome> result = Run(Cmd({file}));
  REQUIRE_FALSE(result.ok());  // even for root: execve needs an x bit
  CHECK(result.status().code() == StatusCode::kPermissionDenied);
  CHECK(MessageOf(result.status()) == "start " + file + ": EACCES (Permission denied)");

  Result<Outcome> directory = Run(Cmd({dir.string()}));
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().code() == StatusCode::kPermissionDenied);
}

TEST_CASE("bad commands are InvalidArgument") {
  CHECK(Run(Command{}).status().code() == StatusCode::kInvalidArgument);
  CHECK(Run(Cmd({""})).status().code() == StatusCode::kInvalidArgument);
  CHECK(Run(Cmd({"echo", std::string("a\0b", 3)})).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a timeout SIGKILLs the child and returns quickly") {
  Command cmd = Cmd({"sleep", "30"});
  cmd.timeout = milliseconds(200);
  const auto start = Clock::now();
  Outcome outcome = RunOk(cmd);
  const auto elapsed = Clock::now() - start;
  CHECK(outcome.timed_out);
  CHECK(outcome.signal == SIGKILL);
  CHECK(outcome.exit_code == -1);
  CHECK_FALSE(outcome.Succeeded());
  CHECK(outcome.Describe() == "killed by signal 9 (SIGKILL) after timeout of 200ms");
  CHECK(elapsed >= milliseconds(200));
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("a timeout kills the child's descendants too") {
  // The background sleep holds stdout: Run could not finish before kOutputGracePeriod if
  // it survived.
  Command cmd = Cmd({"/bin/sh", "-c", "sleep 30 & echo $!; wait"});
  cmd.timeout = milliseconds(300);
  const auto start = Clock::now();
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.timed_out);
  CHECK(outcome.signal == SIGKILL);
  CHECK(Clock::now() - start < std::chrono::seconds(5));
  const pid_t grandchild = std::stoi(outcome.out);
  CHECK(DiesSoon(grandchild));
  kill(grandchild, SIGKILL);  // in case it did not
}

TEST_CASE("a descendant holding the output open delays completion by the grace period only") {
  Command cmd = Cmd({"/bin/sh", "-c", "sleep 30 & echo $!"});
  const auto start = Clock::now();
  Outcome outcome = RunOk(cmd);
  const auto elapsed = Clock::now() - start;
  CHECK(outcome.Succeeded());
  CHECK_FALSE(outcome.timed_out);
  const pid_t grandchild = std::stoi(outcome.out);
  CHECK(kill(grandchild, SIGKILL) == 0);  // it outlived its parent, not ours to reap
  CHECK(elapsed >= kOutputGracePeriod);
  CHECK(elapsed < kOutputGracePeriod + std::chrono::seconds(5));
}

TEST_CASE("output beyond output_limit is discarded and flagged") {
  Command cmd = Cmd({"head", "-c", "1000000", "/dev/zero"});
  cmd.output_limit = 1000;
  Outcome outcome = RunOk(cmd);
  CHECK(outcome.Succeeded());
  CHECK(outcome.out == std::string(1000, '\0'));
  CHECK(outcome.stdout_truncated);
  CHECK_FALSE(outcome.stderr_truncated);

  Command exact = Cmd({"/bin/sh", "-c", "printf 12345 >&2"});
  exact.output_limit = 5;
  Outcome exact_outcome = RunOk(exact);
  CHECK(exact_outcome.err == "12345");
  CHECK_FALSE(exact_outcome.stderr_truncated);
}

TEST_CASE("the child gets only stdin, stdout and stderr, and a default signal state") {
  // Not CLOEXEC: close_range in the child must still close it.
  const int leaked = dup(STDERR_FILENO);
  REQUIRE(leaked >= 0);
  Outcome fds = RunOk(Cmd({"ls", "/proc/self/fd"}));
  close(leaked);
  CHECK(fds.out == "0\n1\n2\n3\n");  // 3 is ls's own directory fd

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_usr2;
  sigaction(SIGUSR2, &ignore, &old_usr2);
  Outcome status = RunOk(Cmd({"cat", "/proc/self/status"}));
  sigaction(SIGUSR2, &old_usr2, nullptr);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  CHECK_THAT(status.out, Catch::Contains("SigBlk:\t0000000000000000\n"));
  // Signals 32 and 33 are glibc's own (thread cancellation, setxid): libc cannot reset
  // them and some parents (Bazel's test runner) ignore them; check every other one.
  auto at = status.out.find("SigIgn:\t");
  REQUIRE(at != std::string::npos);
  unsigned long long ignored = std::stoull(status.out.substr(at + 8, 16), nullptr, 16);
  ignored &= ~((1ULL << 31) | (1ULL << 32));  // bit n-1 is signal n
  CHECK(ignored == 0);

  // Its own process group: field 5 of /proc/PID/stat is the process group id.
  Outcome pgid = RunOk(Cmd({"/bin/sh", "-c", "test \"$(cut -d' ' -f5 /proc/$$/stat)\" = $$"}));
  CHECK(pgid.Succeeded());
}

TEST_CASE("RunAsync runs children concurrently on one io_context") {
  TempDir tmp("cria-process-test-");
  const std::filesystem::path dir = std::filesystem::canonical(tmp.path());
  const std::string fifo = (dir / "fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  boost::asio::io_context io;
  // The reader blocks until the writer runs: both must run at once.
  std::optional<Result<Outcome>> reader;
  std::optional<Result<Outcome>> writer;
  int calls = 0;
  RunAsync(io, Cmd({"cat", fifo}), [&](Result<Outcome> r) {
    ++calls;
    reader = std::move(r);
  });
  RunAsync(io, Cmd({"/bin/sh", "-c", "echo hi > \"$0\"", fifo}), [&](Result<Outcome> r) {
    ++calls;
    writer = std::move(r);
  });
  io.run();
  CHECK(calls == 2);
  REQUIRE(reader.has_value());
  REQUIRE(writer.has_value());
  REQUIRE(reader->ok());
  REQUIRE(writer->ok());
  CHECK((*reader)->Succeeded());
  CHECK((*reader)->out == "hi\n");
  CHECK((*writer)->Succeeded());
}

TEST_CASE("RunAsync reports a start failure through the callback, once") {
  boost::asio::io_context io;
  int calls = 0;
  std::optional<Result<Outcome>> result;
  RunAsync(io, Cmd({"/no/such/program"}), [&](Result<Outcome> r) {
    ++calls;
    result = std::move(r);
  });
  CHECK(calls == 0);  // never from inside RunAsync
  io.run();
  CHECK(calls == 1);
  REQUIRE(result.has_value());
  CHECK(result->status().code() == StatusCode::kNotFound);
}

TEST_CASE("RunAsync works with an io_context run by several threads") {
  boost::asio::io_context io;
  constexpr int kChildren = 16;
  std::mutex mu;
  std::vector<std::string> outputs;
  for (int i = 0; i < kChildren; ++i) {
    Command cmd = Cmd({"cat"});
    cmd.stdin_data = std::string(256 << 10, static_cast<char>('a' + i));
    RunAsync(io, std::move(cmd), [&, i](Result<Outcome> r) {
      std::lock_guard<std::mutex> lock(mu);
      outputs.push_back(r.ok() && r->Succeeded() &&
                                r->out == std::string(256 << 10, static_cast<char>('a' + i))
                            ? "ok"
                            : MessageOf(r.status()));
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (std::thread& thread : threads) thread.join();
  CHECK(outputs == std::vector<std::string>(kChildren, "ok"));
}

TEST_CASE("destroying the io_context kills and reaps a running child") {
  const int before = CountOpenFds();
  bool called = false;
  {
    boost::asio::io_context io;
    RunAsync(io, Cmd({"sleep", "30"}), [&](Result<Outcome>) { called = true; });
    io.run_for(milliseconds(100));
  }
  CHECK_FALSE(called);
  CHECK(NoChildren());
  CHECK(CountOpenFds() == before);
}

TEST_CASE("no fd or zombie is left behind") {
  const int before = CountOpenFds();
  for (int i = 0; i < 3; ++i) {
    Command cat = Cmd({"cat"});
    cat.stdin_data = std::string(1 << 20, 'z');
    CHECK(RunOk(cat).Succeeded());
    CHECK(RunOk(Cmd({"/bin/sh", "-c", "echo out; echo err >&2; exit 4"})).exit_code == 4);
    Command sleeper = Cmd({"sleep", "30"});
    sleeper.timeout = milliseconds(50);
    CHECK(RunOk(sleeper).timed_out);
    Command no_reader = Cmd({"true"});
    no_reader.stdin_data = std::string(1 << 20, 'x');
    CHECK(RunOk(no_reader).Succeeded());
    CHECK_FALSE(Run(Cmd({"/no/such/program"})).ok());
    CHECK_FALSE(Run(Cmd({"cria-no-such-program"})).ok());
    Command bad_cwd = Cmd({"pwd"});
    bad_cwd.cwd = "/no/such/dir";
    CHECK_FALSE(Run(bad_cwd).ok());
  }
  CHECK(CountOpenFds() == before);
  CHECK(NoChildren());
}

}  // namespace
}  // namespace cria::process

#include "libs/log/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace cria::log {
namespace {

TEST_CASE("levels parse and print") {
  CHECK(ParseLevel("error").value() == Level::kError);
  CHECK(ParseLevel("warning").value() == Level::kWarn);
  CHECK(ParseLevel("trace").value() == Level::kTrace);
  auto bad = ParseLevel("loud");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(bad.status()).find("loud") != std::string::npos);
  CHECK(LevelName(Level::kDebug) == "debug");
}

TEST_CASE("lines are logfmt with quoting where needed") {
  SetDaemonName("cria-test");
  std::string line = FormatLine(Level::kWarn, "backend down",
                                {{"backend", "cria-runtime"},
                                 {"attempt", 3},
                                 {"ok", false},
                                 {"why", "said \"no\"\nthen left"},
                                 {"empty", ""}},
                                false, false);
  CHECK(line ==
        "level=warn daemon=cria-test msg=\"backend down\" backend=cria-runtime attempt=3 "
        "ok=false why=\"said \\\"no\\\"\\nthen left\" empty=\"\"\n");
}

TEST_CASE("journald lines carry the syslog priority and no time") {
  SetDaemonName("");
  CHECK(FormatLine(Level::kError, "x", {}, false, true) == "<3>level=error msg=x\n");
  CHECK(FormatLine(Level::kInfo, "x", {}, false, true) == "<6>level=info msg=x\n");
  std::string timed = FormatLine(Level::kInfo, "x", {}, true, false);
  CHECK(timed.rfind("time=", 0) == 0);
  CHECK(timed.find("Z level=info msg=x\n") != std::string::npos);
}

TEST_CASE("status fields and level filtering reach the output fd") {
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
  SetOutputFd(fds[1]);
  SetDaemonName("d");
  SetLevel(Level::kInfo);
  Debug("hidden");
  Info("shown", {{"err", Status(StatusCode::kNotFound, "no pod p1")}});
  SetOutputFd(2);
  char buf[512];
  ssize_t n = read(fds[0], buf, sizeof buf);
  REQUIRE(n > 0);
  std::string got(buf, static_cast<size_t>(n));
  CHECK(got.find("hidden") == std::string::npos);
  CHECK(got.find("msg=shown err=\"no pod p1\"\n") != std::string::npos);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace cria::log

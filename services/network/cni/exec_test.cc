#include "services/network/cni/exec.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "libs/testing/temp_dir.h"
#include "services/network/cni/test_util.h"

namespace cria::network::cni {
namespace {

using cria::testing::TempDir;
using std::chrono::milliseconds;
using testing::ReadFile;
using testing::WriteFile;

PluginCall Call(const std::string& command, std::vector<std::string> dirs) {
  PluginCall call;
  call.command = command;
  call.container_id = "c1";
  call.netns = "/run/netns/none";
  call.ifname = "eth0";
  call.plugin_dirs = std::move(dirs);
  call.timeout = milliseconds(20000);
  return call;
}

void WritePlugin(const TempDir& dir, const std::string& type, const std::string& script) {
  WriteFile(dir.path() + "/" + type, "#!/bin/sh\n" + script, 0755);
}

// The state letter of process `pid` ('Z' for a zombie), or 0 when there is no such process.
char ProcessState(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return 0;
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || stat.size() < paren + 3) return 0;
  return stat[paren + 2];
}

// Whether process `pid` is gone (or a zombie waiting for its reaper) within a few seconds:
// a SIGKILLed process that has closed its files may still be finishing its exit.
bool ProcessGone(const std::string& pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    const char state = ProcessState(pid);
    if (state == 0 || state == 'Z' || state == 'X') return true;
    if (std::chrono::steady_clock::now() > deadline) {
      WARN("process " << pid << " is still in state " << state);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST_CASE("InvokePlugin runs a real plugin's VERSION", "[exec]") {
  Result<std::string> out =
      InvokePlugin("bridge", R"({"cniVersion": "1.0.0"})", Call("VERSION", {"/usr/lib/cni"}));
  INFO(MessageOf(out.status()));
  REQUIRE(out.ok());
  CHECK(out->find(R"("supportedVersions")") != std::string::npos);
  CHECK(out->find(R"("1.0.0")") != std::string::npos);
}

TEST_CASE("InvokePlugin reports a missing plugin with the dirs searched", "[exec]") {
  TempDir dir("cria-cnitest-");
  Result<std::string> out =
      InvokePlugin("cria-no-such-plugin", "{}", Call("ADD", {dir.path(), "/usr/lib/cni"}));
  REQUIRE(out.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(out.status()) ==
        "CNI plugin cria-no-such-plugin not found in " + dir.path() + ", /usr/lib/cni");

  CHECK(InvokePlugin("../bridge", "{}", Call("ADD", {"/usr/lib/cni/x"})).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("FindPlugin takes the first executable regular file", "[exec]") {
  TempDir first("cria-cnitest-");
  TempDir second("cria-cnitest-");
  std::filesystem::create_directory(first.path() + "/plug");  // a dir is skipped
  WritePlugin(second, "plug", "exit 0\n");
  Result<std::string> path = FindPlugin("plug", {first.path(), second.path()});
  REQUIRE(path.ok());
  CHECK(*path == second.path() + "/plug");
}

TEST_CASE("InvokePlugin passes exactly the CNI environment and stdin", "[exec]") {
  TempDir dir("cria-cnitest-");
  WritePlugin(dir, "envdump",
              "tr '\\0' '\\n' < /proc/$$/environ > " + dir.path() + "/env" + "\n" + "cat > " +
                  dir.path() + "/stdin" + "\n" + "printf '{\"cniVersion\":\"1.0.0\"}'\n");
  PluginCall call = Call("ADD", {dir.path(), "/usr/lib/cni"});
  call.args = {{"IgnoreUnknown", "1"}, {"K8S_POD_NAMESPACE", "default"}, {"K8S_POD_NAME", "p"}};
  Result<std::string> out = InvokePlugin("envdump", R"({"name": "net"})", call);
  INFO(MessageOf(out.status()));
  REQUIRE(out.ok());
  CHECK(*out == R"({"cniVersion":"1.0.0"})");
  CHECK(ReadFile(dir.path() + "/stdin") == R"({"name": "net"})");

  std::vector<std::string> env;
  std::istringstream lines(ReadFile(dir.path() + "/env"));
  for (std::string line; std::getline(lines, line);) env.push_back(line);
  std::sort(env.begin(), env.end());
  const char* path = getenv("PATH");
  std::vector<std::string> expected = {
      "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=p",
      "CNI_COMMAND=ADD",
      "CNI_CONTAINERID=c1",
      "CNI_IFNAME=eth0",
      "CNI_NETNS=/run/netns/none",
      "CNI_PATH=" + dir.path() + ":/usr/lib/cni",
      std::string("PATH=") + (path != nullptr ? path : ""),
  };
  if (path == nullptr)
    expected.back() = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::sort(expected.begin(), expected.end());
  CHECK(env == expected);

  call.args = {{"A;B", "1"}};
  CHECK(InvokePlugin("envdump", "{}", call).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("InvokePlugin turns the CNI error JSON into the message", "[exec]") {
  TempDir dir("cria-cnitest-");
  WritePlugin(dir, "failer",
              "cat > /dev/null\n"
              "printf '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad bridge config\","
              "\"details\":\"field mtu is not a number\"}'\n"
              "echo 'some log line' >&2\n"
              "exit 1\n");
  Result<std::string> out = InvokePlugin("failer", "{}", Call("ADD", {dir.path()}));
  REQUIRE(out.status().code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(out.status()) ==
        "CNI plugin failer ADD failed: bad bridge config: field mtu is not a number (code 7)");

  WritePlugin(dir, "retry",
              "printf '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\"}'\nexit 1\n");
  out = InvokePlugin("retry", "{}", Call("DEL", {dir.path()}));
  REQUIRE(out.status().code() == StatusCode::kUnavailable);
  CHECK(MessageOf(out.status()) == "CNI plugin retry DEL failed: busy (code 11)");
}

TEST_CASE("InvokePlugin falls back to stderr when stdout is not CNI error JSON", "[exec]") {
  TempDir dir("cria-cnitest-");
  WritePlugin(dir, "crasher", "echo 'not json'\necho 'panic: runtime error' >&2\nexit 2\n");
  Result<std::string> out = InvokePlugin("crasher", "{}", Call("CHECK", {dir.path()}));
  REQUIRE(out.status().code() == StatusCode::kInternal);
  CHECK(MessageOf(out.status()) ==
        "CNI plugin crasher CHECK failed: exited with code 2: panic: runtime error");

  WritePlugin(dir, "quiet", "echo 'only stdout'\nexit 3\n");
  out = InvokePlugin("quiet", "{}", Call("ADD", {dir.path()}));
  CHECK(MessageOf(out.status()) == "CNI plugin quiet ADD failed: exited with code 3: only stdout");

  WritePlugin(dir, "killed", "kill -9 $$\n");
  out = InvokePlugin("killed", "{}", Call("ADD", {dir.path()}));
  CHECK(MessageOf(out.status()) == "CNI plugin killed ADD failed: killed by signal 9 (SIGKILL)");
}

TEST_CASE("InvokePlugin kills a plugin that overruns its timeout", "[exec]") {
  TempDir dir("cria-cnitest-");
  WritePlugin(dir, "sleeper",
              "echo $$ > " + dir.path() + "/pid" + "\n" + "sleep 60 &\n" + "echo $! > " +
                  dir.path() + "/child" + "\n" + "wait\n");
  PluginCall call = Call("ADD", {dir.path()});
  call.timeout = milliseconds(1000);
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> out = InvokePlugin("sleeper", "{}", call);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(out.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(MessageOf(out.status()) == "CNI plugin sleeper ADD timed out after 1000ms");
  CHECK(elapsed >= milliseconds(1000));
  CHECK(elapsed < milliseconds(5000));

  std::string pid = ReadFile(dir.path() + "/pid");
  std::string child = ReadFile(dir.path() + "/child");
  pid.erase(pid.find_last_not_of('\n') + 1);
  child.erase(child.find_last_not_of('\n') + 1);
  CHECK(ProcessGone(pid));
  CHECK(ProcessGone(child));
  // Our own child was reaped; nothing is left for us to wait for.
  CHECK((waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD));
}

}  // namespace
}  // namespace cria::network::cni

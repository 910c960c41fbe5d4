// conmon and the OCI runtimes for real: a busybox bundle created under conmon, started,
// its exit code and CRI log read back; a create that fails reports the runtime's error.
// Needs root, conmon, runc and crun.
#include "services/runtime/oci/conmon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "libs/process/process.h"
#include "libs/testing/temp_dir.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "services/runtime/oci/exec_process.h"
#include "services/runtime/oci/runtime_cli.h"

namespace cria::runtime::oci {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A temp dir with a busybox rootfs and `runc spec`'s config running `args`.
struct Bundle {
  explicit Bundle(const std::vector<std::string>& args) {
    char tmpl[] = "/tmp/cria-conmon-XXXXXX";
    dir = mkdtemp(tmpl);
    fs::create_directories(dir + "/bundle/rootfs/bin");
    fs::copy_file("/bin/busybox", dir + "/bundle/rootfs/bin/busybox");
    for (const char* tool : {"sh", "echo", "sleep", "cat"}) {
      fs::create_symlink("busybox", dir + "/bundle/rootfs/bin/" + std::string(tool));
    }
    for (const char* sub : {"exits", "sockets", "root"}) fs::create_directories(dir + "/" + sub);
    auto spec = process::Run({{"runc", "spec", "--bundle", dir + "/bundle"}});
    REQUIRE(spec.ok());
    REQUIRE(spec->Succeeded());
    rapidjson::Document doc;
    doc.Parse(ReadAll(dir + "/bundle/config.json").c_str());
    auto& a = doc.GetAllocator();
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& arg : args) list.PushBack(rapidjson::Value(arg.c_str(), a), a);
    doc["process"]["args"] = list;
    doc["process"]["terminal"] = false;
    doc["root"]["readonly"] = false;
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    doc.Accept(writer);
    std::ofstream(dir + "/bundle/config.json") << out.GetString();
  }
  ~Bundle() { fs::remove_all(dir); }

  ConmonRequest Request(const std::string& runtime, const std::string& id) const {
    ConmonRequest r;
    r.conmon = *process::FindExecutable("conmon");
    r.runtime = *process::FindExecutable(runtime);
    r.runtime_root = dir + "/root";
    r.container_id = id;
    r.name = id;
    r.bundle = dir + "/bundle";
    r.exit_dir = dir + "/exits";
    r.log_path = dir + "/ctr.log";
    r.socket_dir = dir + "/sockets";
    r.conmon_pidfile = dir + "/conmon.pid";
    return r;
  }
  std::string dir;
};

// crun 1.8 refuses hosts whose cgroup v2 hierarchy holds controllers while v1 is
// mounted too ("hybrid mode"), as some sandboxes are set up.
bool HybridWithV2Controllers() {
  if (!fs::exists("/sys/fs/cgroup/unified/cgroup.controllers")) return false;
  std::string controllers = ReadAll("/sys/fs/cgroup/unified/cgroup.controllers");
  return controllers.find_first_not_of(" \n") != std::string::npos;
}

TEST_CASE("a container under conmon: created, started, exit code and CRI log") {
  for (const std::string runtime : {"runc", "crun"}) {
    SECTION(runtime) {
      Bundle bundle({"sh", "-c", "echo hello; echo oops >&2; exit 3"});
      ConmonRequest request = bundle.Request(runtime, "ctr-" + runtime);
      Result<ConmonStarted> started = CreateWithConmon(request);
      INFO(MessageOf(started.status()));
      if (runtime == "crun" && HybridWithV2Controllers()) {
        // The runtime's refusal reaches the caller as it is.
        REQUIRE_FALSE(started.ok());
        CHECK(std::string(started.status().message()).find("hybrid") != std::string::npos);
        RuntimeCli(request.runtime, request.runtime_root).Delete(request.container_id, true);
        continue;
      }
      REQUIRE(started.ok());
      CHECK(started->container_pid > 0);
      CHECK(started->conmon_pid > 0);
      RuntimeCli cli(request.runtime, request.runtime_root);
      Result<RuntimeState> state = cli.State(request.container_id);
      REQUIRE(state.ok());
      CHECK(state->status == "created");
      CHECK(state->pid == started->container_pid);
      REQUIRE(cli.Start(request.container_id).ok());
      Result<int> code =
          WaitExitCode(request.exit_dir, request.container_id, std::chrono::seconds(10));
      REQUIRE(code.ok());
      CHECK(*code == 3);
      std::string log = ReadAll(request.log_path);
      INFO(log);
      CHECK(log.find(" stdout F hello\n") != std::string::npos);
      CHECK(log.find(" stderr F oops\n") != std::string::npos);
      REQUIRE(cli.Delete(request.container_id, true).ok());
      CHECK(cli.State(request.container_id).status().code() == StatusCode::kNotFound);
      CHECK(cli.Delete(request.container_id, true).ok());  // again: fine
      // conmon is gone once the container has exited.
      for (int i = 0; i < 100 && ::kill(started->conmon_pid, 0) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      CHECK(::kill(started->conmon_pid, 0) != 0);
    }
  }
}

TEST_CASE("a command that does not exist: the create fails with the runtime's error") {
  Bundle bundle({"/no/such/command"});
  ConmonRequest request = bundle.Request("runc", "ctr-missing");
  Result<ConmonStarted> started = CreateWithConmon(request);
  REQUIRE_FALSE(started.ok());
  INFO(MessageOf(started.status()));
  CHECK(std::string(started.status().message()).find("/no/such/command") != std::string::npos);
  RuntimeCli cli(request.runtime, request.runtime_root);
  CHECK(cli.Delete(request.container_id, true).ok());
}

TEST_CASE("WaitExitCode returns as the exit file appears, NotFound when time is up") {
  cria::testing::TempDir tmp("cria-exit-");
  const std::string dir = tmp.path();
  CHECK(WaitExitCode(dir, "ctr", std::chrono::milliseconds(100)).status().code() ==
        StatusCode::kNotFound);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::ofstream(dir + "/.ctr.tmp") << "137";
    ::rename((dir + "/.ctr.tmp").c_str(), (dir + "/ctr").c_str());
  });
  const auto start = std::chrono::steady_clock::now();
  Result<int> code = WaitExitCode(dir, "ctr", std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - start;
  writer.join();
  REQUIRE(code.ok());
  CHECK(*code == 137);
  CHECK(waited < std::chrono::seconds(2));
}

TEST_CASE("the exec process is the container's, with other args and no terminal") {
  const std::string config = R"({"ociVersion": "1.0.2", "process": {"terminal": true,
      "consoleSize": {"height": 10, "width": 20}, "user": {"uid": 1000, "gid": 1000,
      "additionalGids": [50]}, "args": ["sleep", "1"], "env": ["PATH=/bin"], "cwd": "/work",
      "noNewPrivileges": true, "capabilities": {"bounding": ["CAP_KILL"]}}})";
  Result<std::string> process = ExecProcessJson(config, {"id", "-u"});
  REQUIRE(process.ok());
  rapidjson::Document doc;
  doc.Parse(process->c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc["args"].Size() == 2);
  CHECK(std::string(doc["args"][1].GetString()) == "-u");
  CHECK(doc["user"]["uid"].GetInt() == 1000);
  CHECK(doc["user"]["additionalGids"][0].GetInt() == 50);
  CHECK(std::string(doc["cwd"].GetString()) == "/work");
  CHECK(doc["noNewPrivileges"].GetBool());
  CHECK(std::string(doc["capabilities"]["bounding"][0].GetString()) == "CAP_KILL");
  CHECK_FALSE(doc["terminal"].GetBool());
  CHECK_FALSE(doc.HasMember("consoleSize"));
  CHECK(ExecProcessJson(R"({"ociVersion": "1.0.2"})", {"true"}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK_FALSE(ExecProcessJson("not json", {"true"}).ok());
}

TEST_CASE("kill, exec with a timeout, and a running container's state") {
  Bundle bundle({"sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.1; done"});
  ConmonRequest request = bundle.Request("runc", "ctr-kill");
  REQUIRE(CreateWithConmon(request).ok());
  RuntimeCli cli(request.runtime, request.runtime_root);
  REQUIRE(cli.Start(request.container_id).ok());
  CHECK(cli.State(request.container_id)->status == "running");
  const std::string config = ReadAll(bundle.dir + "/bundle/config.json");
  auto exec = [&](const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    Result<std::string> process = ExecProcessJson(config, argv);
    REQUIRE(process.ok());
    return cli.Exec(request.container_id, *process, bundle.dir, timeout, 1 << 20);
  };
  auto echo = exec({"sh", "-c", "echo in; echo err >&2; exit 4"}, std::chrono::seconds(10));
  REQUIRE(echo.ok());
  CHECK(echo->exit_code == 4);
  CHECK(echo->out == "in\n");
  CHECK(echo->err == "err\n");
  auto slow = exec({"sleep", "30"}, std::chrono::milliseconds(300));
  REQUIRE(slow.ok());
  CHECK(slow->timed_out);
  REQUIRE(cli.Kill(request.container_id, SIGTERM).ok());
  Result<int> code = WaitExitCode(request.exit_dir, request.container_id, std::chrono::seconds(10));
  REQUIRE(code.ok());
  CHECK(*code == 7);
  REQUIRE(cli.Delete(request.container_id, true).ok());
}

}  // namespace
}  // namespace cria::runtime::oci

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
#include "services/runtime/cgroups/conmon_cgroup.h"
#include "services/runtime/oci/exec_process.h"
#include "services/runtime/oci/exit_watcher.h"
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

// The exit code conmon writes for `id` into `exit_dir`, waited for on a watch of its own.
Result<int> WaitExit(const std::string& exit_dir, const std::string& id) {
  CRIA_ASSIGN_OR_RETURN(std::unique_ptr<ExitWatcher> watcher, ExitWatcher::Start(exit_dir), "");
  return watcher->Wait(id, std::chrono::seconds(10));
}

// A temp dir with a busybox rootfs and `runc spec`'s config running `args`.
struct Bundle {
  explicit Bundle(const std::vector<std::string>& args) {
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
    Write(doc);
  }
  void SetCgroupsPath(const std::string& path) {
    rapidjson::Document doc;
    doc.Parse(ReadAll(dir + "/bundle/config.json").c_str());
    doc["linux"].AddMember("cgroupsPath", rapidjson::Value(path.c_str(), doc.GetAllocator()),
                           doc.GetAllocator());
    Write(doc);
  }
  void Write(const rapidjson::Document& doc) const {
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    doc.Accept(writer);
    std::ofstream(dir + "/bundle/config.json") << out.GetString();
  }

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
  cria::testing::TempDir scratch{"cria-conmon-", "/tmp"};
  const std::string dir = scratch.path();
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
        (void)RuntimeCli(request.runtime, request.runtime_root).Delete(request.container_id, true);
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
      Result<int> code = WaitExit(request.exit_dir, request.container_id);
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

// A cgroup of the test's own in each hierarchy cria-runtime moves conmon into on this host
// (cgroups/conmon_cgroup.h picks them), removed at the end.
struct TestCgroups {
  TestCgroups() {
    Result<std::vector<std::string>> made = cgroups::PrepareConmonCgroups(
        "/sys/fs/cgroup", "cria-conmon-test-" + std::to_string(::getpid()));
    INFO(MessageOf(made.status()));
    REQUIRE(made.ok());
    for (const std::string& procs : *made) dirs.push_back(fs::path(procs).parent_path());
  }
  ~TestCgroups() {
    for (const std::string& dir : dirs) {
      // Empty once conmon has exited.
      for (int i = 0; i < 100 && ::rmdir(dir.c_str()) != 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  std::vector<std::string> Procs() const {
    std::vector<std::string> out;
    for (const std::string& dir : dirs) out.push_back(dir + "/cgroup.procs");
    return out;
  }
  std::vector<std::string> dirs;
};

bool Gone(pid_t pid) {
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ::kill(pid, 0) != 0;
}

TEST_CASE("conmon inherits none of cria-runtime's other file descriptors") {
  // Not O_CLOEXEC, as a library or whatever started the daemon may leave one: a monitor
  // that kept it would hold it open for the container's whole life.
  int leak[2];
  REQUIRE(::pipe(leak) == 0);
  // High, as shells and job runners leave theirs.
  REQUIRE(::dup2(leak[1], 251) == 251);
  ::close(leak[1]);
  leak[1] = 251;
  struct stat leaked {};
  REQUIRE(::fstat(leak[0], &leaked) == 0);
  Bundle bundle({"sleep", "10"});
  ConmonRequest request = bundle.Request("runc", "ctr-fds");
  Result<ConmonStarted> started = CreateWithConmon(request);
  ::close(leak[0]);
  ::close(leak[1]);
  INFO(MessageOf(started.status()));
  REQUIRE(started.ok());
  std::vector<std::string> kept;
  std::error_code ec;
  for (const auto& fd :
       fs::directory_iterator("/proc/" + std::to_string(started->conmon_pid) + "/fd", ec)) {
    struct stat st {};
    if (::stat(fd.path().c_str(), &st) == 0 && st.st_dev == leaked.st_dev &&
        st.st_ino == leaked.st_ino) {
      kept.push_back(fd.path().filename());
    }
  }
  CHECK(kept.empty());
  RuntimeCli cli(request.runtime, request.runtime_root);
  CHECK(cli.Delete(request.container_id, true).ok());
  CHECK(Gone(started->conmon_pid));
}

TEST_CASE("a command that does not exist: the create fails with the runtime's error") {
  // With cgroups to move conmon into too: its monitor may exit before the move reaches
  // it (crun fails within milliseconds), and the runtime's reason must still be what the
  // caller gets.
  for (const std::string runtime : {"runc", "crun"}) {
    for (const bool move : {false, true}) {
      SECTION(runtime + (move ? ", with conmon's cgroups" : "")) {
        TestCgroups cgroups;
        Bundle bundle({"/no/such/command"});
        ConmonRequest request = bundle.Request(runtime, "ctr-missing");
        if (move) request.conmon_cgroup_procs = cgroups.Procs();
        Result<ConmonStarted> started = CreateWithConmon(request);
        REQUIRE_FALSE(started.ok());
        INFO(MessageOf(started.status()));
        CHECK(started.status().code() == StatusCode::kFailedPrecondition);
        // crun 1.8 refuses this kind of host before it looks at the command.
        const std::string reason =
            runtime == "crun" && HybridWithV2Controllers() ? "hybrid" : "/no/such/command";
        CHECK(std::string(started.status().message()).find(reason) != std::string::npos);
        RuntimeCli cli(request.runtime, request.runtime_root);
        CHECK(cli.Delete(request.container_id, true).ok());
      }
    }
  }
}

TEST_CASE("conmon's monitor is moved into the given cgroups, the container into its own") {
  TestCgroups cgroups;
  REQUIRE_FALSE(cgroups.dirs.empty());
  Bundle bundle({"sleep", "30"});
  // An absolute cgroup of its own, as cria-runtime's specs have.
  bundle.SetCgroupsPath("/cria-conmon-test-container-" + std::to_string(::getpid()));
  ConmonRequest request = bundle.Request("runc", "ctr-moved");
  request.conmon_cgroup_procs = cgroups.Procs();
  Result<ConmonStarted> started = CreateWithConmon(request);
  INFO(MessageOf(started.status()));
  REQUIRE(started.ok());
  const std::string conmon_cgroups =
      ReadAll("/proc/" + std::to_string(started->conmon_pid) + "/cgroup");
  const std::string container_cgroups =
      ReadAll("/proc/" + std::to_string(started->container_pid) + "/cgroup");
  INFO(conmon_cgroups);
  INFO(container_cgroups);
  for (const std::string& dir : cgroups.dirs) {
    const std::string name = fs::path(dir).filename();
    CHECK(conmon_cgroups.find(":/" + name + "\n") != std::string::npos);
    CHECK(container_cgroups.find(name) == std::string::npos);
  }
  for (const std::string& procs : cgroups.Procs()) {
    CHECK(ReadAll(procs) == std::to_string(started->conmon_pid) + "\n");
  }
  RuntimeCli cli(request.runtime, request.runtime_root);
  REQUIRE(cli.Delete(request.container_id, true).ok());
  CHECK(Gone(started->conmon_pid));
}

TEST_CASE("conmon that cannot be moved: the create fails and leaves nothing running") {
  Bundle bundle({"sleep", "30"});
  ConmonRequest request = bundle.Request("runc", "ctr-unmoved");
  request.conmon_cgroup_procs = {bundle.dir + "/no-such-cgroup/cgroup.procs"};
  Result<ConmonStarted> started = CreateWithConmon(request);
  REQUIRE_FALSE(started.ok());
  INFO(MessageOf(started.status()));
  CHECK(std::string(started.status().message()).find("move conmon out of cria-runtime's cgroup") !=
        std::string::npos);
  CHECK(std::string(started.status().message()).find("no-such-cgroup") != std::string::npos);
  // The monitor had started the runtime's create: it is killed, the container deleted.
  const std::string monitor = ReadAll(request.conmon_pidfile);
  REQUIRE_FALSE(monitor.empty());
  CHECK(Gone(std::stoi(monitor)));
  RuntimeCli cli(request.runtime, request.runtime_root);
  CHECK(cli.State(request.container_id).status().code() == StatusCode::kNotFound);
}

TEST_CASE("ExitWatcher: each wait returns as its exit file appears, NotFound when time is up") {
  cria::testing::TempDir tmp("cria-exit-");
  const std::string dir = tmp.path() + "/exits";  // made by Start
  Result<std::unique_ptr<ExitWatcher>> watcher = ExitWatcher::Start(dir);
  REQUIRE(watcher.ok());
  CHECK((*watcher)->watching());
  CHECK(fs::is_directory(dir));
  CHECK((*watcher)->Wait("ctr", std::chrono::milliseconds(100)).status().code() ==
        StatusCode::kNotFound);
  // As conmon writes it: a temp file renamed into place. Two waiters on one watch, for
  // two files written at different times; then the same watch once more.
  auto write = [&](const std::string& id, const std::string& code) {
    std::ofstream(dir + "/." + id + ".tmp") << code;
    ::rename((dir + "/." + id + ".tmp").c_str(), (dir + "/" + id).c_str());
  };
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write("a", "137");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write("b", "3");
  });
  const auto start = std::chrono::steady_clock::now();
  Result<int> a = Status(StatusCode::kUnknown, "not waited");
  std::thread waiter([&] { a = (*watcher)->Wait("a", std::chrono::seconds(10)); });
  Result<int> b = (*watcher)->Wait("b", std::chrono::seconds(10));
  waiter.join();
  writer.join();
  const auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(a.ok());
  CHECK(*a == 137);
  REQUIRE(b.ok());
  CHECK(*b == 3);
  CHECK(waited < std::chrono::seconds(2));  // woken, not timed out
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write("c", "0");
  });
  Result<int> c = (*watcher)->Wait("c", std::chrono::seconds(10));
  late.join();
  REQUIRE(c.ok());
  CHECK(*c == 0);
  // An exit file that is there already is read at once; a garbled one is DataLoss.
  CHECK(*(*watcher)->Wait("a", std::chrono::seconds(0)) == 137);
  write("d", "oops");
  CHECK((*watcher)->Wait("d", std::chrono::seconds(1)).status().code() == StatusCode::kDataLoss);
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
  Result<int> code = WaitExit(request.exit_dir, request.container_id);
  REQUIRE(code.ok());
  CHECK(*code == 7);
  REQUIRE(cli.Delete(request.container_id, true).ok());
}

}  // namespace
}  // namespace cria::runtime::oci

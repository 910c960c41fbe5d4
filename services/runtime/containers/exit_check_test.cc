// CheckExit reads real files and asks the kernel about real processes: a child that is
// alive, and one that has been reaped (its pid then names no process).
#include "services/runtime/containers/exit_check.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "libs/testing/temp_dir.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;
using Outcome = ExitCheck::Outcome;

void Put(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A child that sleeps until killed; Reap ends it, after which its pid is gone.
struct Child {
  pid_t pid = 0;
  bool reaped = false;  // pid is kept after Reap, and never signalled again
  Child() {
    pid = ::fork();
    if (pid == 0) {
      ::pause();
      ::_exit(0);
    }
    REQUIRE(pid > 0);
  }
  void Reap() {
    if (pid <= 0 || reaped) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    reaped = true;
  }
  ~Child() { Reap(); }
};

struct Fixture {
  cria::testing::TempDir tmp{"cria-exit-check-"};
  std::string exits = tmp.path() + "/exits";
  ContainerRecord record;
  Fixture() {
    fs::create_directories(exits);
    record.id = "c1";
    record.state = ContainerState::kRunning;
    record.bundle = tmp.path() + "/bundle";
    fs::create_directories(record.bundle);
    Child gone;  // the container's first process: reaped, so its pid names none
    gone.Reap();
    record.pid = gone.pid;
    record.started_unix_nano = 1000;
  }
};

TEST_CASE("a running container: no exit file and its conmon alive") {
  Fixture f;
  Child conmon;
  f.record.conmon_pid = conmon.pid;
  ExitCheck check = CheckExit(f.exits, f.record);
  CHECK(check.outcome == Outcome::kRunning);
  ContainerRecord before = f.record;
  CHECK_FALSE(ApplyExit(check, f.record));
  CHECK(f.record.state == ContainerState::kRunning);
  CHECK(f.record.pid == before.pid);
}

TEST_CASE("an exit file makes the container EXITED with its code, time and reason") {
  Fixture f;
  Child conmon;
  f.record.conmon_pid = conmon.pid;
  Put(f.exits + "/c1", "3");
  struct stat st {};
  REQUIRE(::stat((f.exits + "/c1").c_str(), &st) == 0);
  ExitCheck check = CheckExit(f.exits, f.record);
  REQUIRE(check.outcome == Outcome::kExited);
  CHECK(check.exit_code == 3);
  CHECK(check.finished_unix_nano == st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
  CHECK_FALSE(check.oom_killed);  // no cgroup to read

  REQUIRE(ApplyExit(check, f.record));
  CHECK(f.record.state == ContainerState::kExited);
  CHECK(f.record.exit_code == 3);
  CHECK(f.record.reason == "Error");
  CHECK(f.record.pid == 0);
  CHECK(f.record.finished_unix_nano == check.finished_unix_nano);

  SECTION("code 0 is Completed, an OOM kill OOMKilled") {
    ContainerRecord r;
    r.state = ContainerState::kRunning;
    ExitCheck ok{Outcome::kExited, 0, 5000, false};
    REQUIRE(ApplyExit(ok, r));
    CHECK(r.reason == "Completed");
    ContainerRecord o;
    o.state = ContainerState::kRunning;
    ExitCheck oom{Outcome::kExited, 137, 5000, true};
    REQUIRE(ApplyExit(oom, o));
    CHECK(o.reason == "OOMKilled");
    CHECK(o.exit_code == 137);
  }
  SECTION("an exit is never reported before the start (coarse file times)") {
    ContainerRecord r;
    r.state = ContainerState::kRunning;
    r.started_unix_nano = 9000;
    REQUIRE(ApplyExit(ExitCheck{Outcome::kExited, 1, 8000, false}, r));
    CHECK(r.finished_unix_nano == 9000);
  }
}

TEST_CASE("conmon gone without an exit file: UNKNOWN, not persisted") {
  Fixture f;
  Child conmon;
  f.record.conmon_pid = conmon.pid;
  conmon.Reap();
  ExitCheck check = CheckExit(f.exits, f.record);
  REQUIRE(check.outcome == Outcome::kLost);
  CHECK_FALSE(ApplyExit(check, f.record));
  CHECK(f.record.state == ContainerState::kUnknown);
  CHECK(f.record.reason == "Unknown");
  CHECK_FALSE(f.record.message.empty());
}

TEST_CASE("conmon gone while the container's process lives: UNKNOWN, unmonitored") {
  Fixture f;
  Child conmon, container;
  f.record.conmon_pid = conmon.pid;
  f.record.pid = container.pid;  // no cgroup to read: the first process tells
  conmon.Reap();
  ExitCheck check = CheckExit(f.exits, f.record);
  REQUIRE(check.outcome == Outcome::kUnmonitored);
  CHECK_FALSE(ApplyExit(check, f.record));
  CHECK(f.record.state == ContainerState::kUnknown);
  CHECK(f.record.reason == "Unknown");
  CHECK(f.record.message.find("still run") != std::string::npos);
  container.Reap();
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kLost);

  SECTION("StopContainer's record of it afterwards") {
    f.record.started_unix_nano = 1000;
    RecordUnknownExit(f.record, "killed");
    CHECK(f.record.state == ContainerState::kExited);
    CHECK(f.record.exit_code == 255);
    CHECK(f.record.reason == "Unknown");
    CHECK(f.record.message == "killed");
    CHECK(f.record.finished_unix_nano > 1000);
    CHECK(f.record.pid == 0);
  }
}

TEST_CASE("a record without conmon's pid reads it from the bundle's pid file") {
  Fixture f;
  Child conmon;
  f.record.conmon_pid = 0;  // a record written before the pid was kept
  Put(f.record.bundle + "/conmon.pid", std::to_string(conmon.pid));
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kRunning);
  conmon.Reap();
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kLost);
  // conmon wrote the file just before it went: the exit, not a loss.
  Put(f.exits + "/c1", "0");
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kExited);
}

// A memory cgroup laid out as systemd makes a container's scope ("<slice>:cria:<id>" with
// the systemd cgroup driver), on the v1 memory hierarchy or the v2 one, with a limit of
// 4 MiB and no swap; removed again (deepest first) at the end.
struct SystemdShapedCgroup {
  std::string root, slice_name;
  std::vector<std::string> dirs;  // outermost first
  bool v1 = false;

  explicit SystemdShapedCgroup(const std::string& id) {
    v1 = fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    root = v1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup";
    const std::string top = "criaoom" + std::to_string(::getpid()) + id;
    slice_name = top + "-t.slice";
    for (const std::string& d : {"/" + top + ".slice", "/" + top + ".slice/" + slice_name,
                                 "/" + top + ".slice/" + slice_name + "/cria-" + id + ".scope"}) {
      if (!v1)
        Put(root + fs::path(d).parent_path().string() + "/cgroup.subtree_control", "+memory");
      REQUIRE(::mkdir((root + d).c_str(), 0755) == 0);
      dirs.push_back(root + d);
    }
    const std::string& scope = dirs.back();
    if (v1) {
      Put(scope + "/memory.limit_in_bytes", "4194304");
      if (fs::exists(scope + "/memory.memsw.limit_in_bytes")) {
        Put(scope + "/memory.memsw.limit_in_bytes", "4194304");
      }
    } else {
      Put(scope + "/memory.max", "4194304");
      if (fs::exists(scope + "/memory.swap.max")) Put(scope + "/memory.swap.max", "0");
    }
  }
  ~SystemdShapedCgroup() {
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
  }
};

TEST_CASE("an OOM kill is seen in a systemd driver's scope, not only in a cgroupfs path") {
  Fixture f;
  SystemdShapedCgroup cgroup("c1");
  f.record.cgroups_path = cgroup.slice_name + ":cria:c1";
  // A process that joins the scope and touches far more than its limit: the kernel's OOM
  // killer ends it.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::ofstream(cgroup.dirs.back() + "/cgroup.procs") << "0";
    constexpr size_t kSize = 64 << 20;
    char* p = static_cast<char*>(::malloc(kSize));
    for (size_t i = 0; p != nullptr && i < kSize; i += 4096) p[i] = 1;
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  f.record.conmon_pid = pid;  // reaped: gone, as conmon is after writing the exit file
  Put(f.exits + "/c1", "137");
  ExitCheck check = CheckExit(f.exits, f.record);
  REQUIRE(check.outcome == Outcome::kExited);
  CHECK(check.oom_killed);

  // The same container in a cgroup that saw no OOM kill.
  SystemdShapedCgroup quiet("c2");
  f.record.cgroups_path = quiet.slice_name + ":cria:c2";
  CHECK_FALSE(CheckExit(f.exits, f.record).oom_killed);
}

TEST_CASE("with a cgroup, any process left in it is the container still running") {
  Fixture f;
  SystemdShapedCgroup cgroup("c3");
  f.record.cgroups_path = cgroup.slice_name + ":cria:c3";
  Child conmon;
  f.record.conmon_pid = conmon.pid;
  conmon.Reap();
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kLost);  // empty cgroup
  // A process of the container other than its first (that one, f.record.pid, is gone).
  Child left;
  std::ofstream(cgroup.dirs.back() + "/cgroup.procs") << left.pid;
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kUnmonitored);
  left.Reap();
  CHECK(CheckExit(f.exits, f.record).outcome == Outcome::kLost);
}

TEST_CASE("only RUNNING and UNKNOWN containers may have exited by themselves") {
  ContainerRecord r;
  for (auto [state, may] :
       {std::pair{ContainerState::kCreated, false}, std::pair{ContainerState::kRunning, true},
        std::pair{ContainerState::kExited, false}, std::pair{ContainerState::kUnknown, true}}) {
    r.state = state;
    CHECK(MayHaveExited(r) == may);
  }
}

}  // namespace
}  // namespace cria::runtime::containers

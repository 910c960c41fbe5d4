// cria-pinns and cria-pause for real: namespaces pinned as files, sysctls set inside
// them, a failed pin undone, and cria-pause as PID 1 of a pinned PID namespace.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "libs/process/process.h"
#include "libs/testing/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using cria::process::Command;
using cria::process::Outcome;

const std::string kPinns = "tools/cria-pinns/cria-pinns";
const std::string kPause = "tools/cria-pause/cria-pause";

Outcome Run(std::vector<std::string> argv) {
  Command cmd;
  cmd.argv = std::move(argv);
  cmd.timeout = std::chrono::seconds(10);
  auto outcome = cria::process::Run(cmd);
  REQUIRE(outcome.ok());
  return *outcome;
}

ino_t Inode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// A scratch directory for pins: the ipc and uts pins of "pod" are unmounted before the
// directory itself goes.
struct PinDir {
  cria::testing::TempDir scratch{"cria-pinns-", "/tmp"};

  ~PinDir() {
    for (const char* ns : {"ipc", "uts"}) {
      std::string f = path() + "/" + ns + "/pod";
      umount2(f.c_str(), MNT_DETACH);
    }
  }
  const std::string& path() const { return scratch.path(); }
};

TEST_CASE("namespaces pinned as files, with sysctls set inside") {
  PinDir dir;
  Outcome pinned = Run({kPinns, "--dir", dir.path(), "--name", "pod", "--ipc", "--uts", "--sysctl",
                        "kernel.shmmni=1234"});
  INFO(pinned.err);
  REQUIRE(pinned.Succeeded());
  for (const char* ns : {"ipc", "uts"}) {
    std::string file = dir.path() + "/" + ns + "/pod";
    CHECK(Inode(file) != Inode(std::string("/proc/self/ns/") + ns));
  }
  Outcome shm =
      Run({"nsenter", "--ipc=" + dir.path() + "/ipc/pod", "cat", "/proc/sys/kernel/shmmni"});
  CHECK(shm.out == "1234\n");
  CHECK(Run({"cat", "/proc/sys/kernel/shmmni"}).out != "1234\n");
}

// A network namespace pinned at a file of its own, as cria-network pins a pod's; it is
// unmounted (and so ends) with the test.
struct NetnsFile {
  cria::testing::TempDir scratch{"cria-pinns-net-", "/tmp"};
  std::string path = scratch.path() + "/net";

  NetnsFile() {
    REQUIRE(Run({"touch", path}).Succeeded());
    REQUIRE(Run({"unshare", "--net=" + path, "true"}).Succeeded());
  }
  ~NetnsFile() { umount2(path.c_str(), MNT_DETACH); }
  std::string Read(const std::string& sysctl_path) {
    return Run({"nsenter", "--net=" + path, "cat", sysctl_path}).out;
  }
};

TEST_CASE("--netns writes sysctls inside an existing network namespace, both name forms") {
  NetnsFile netns;
  const std::string port = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
  const std::string node_port = Run({"cat", port}).out;
  const std::string other = node_port == "1000\n" ? "1001" : "1000";
  // Interfaces with a '.' in their name: a dotted sysctl name writes it as '/', a path
  // name as it is.
  REQUIRE(Run({"nsenter", "--net=" + netns.path, "ip", "link", "add", "v.1", "type", "veth", "peer",
               "name", "p.1"})
              .Succeeded());
  Outcome set =
      Run({kPinns, "--netns", netns.path, "--sysctl",
           "net.ipv4.ip_unprivileged_port_start=" + other, "--sysctl",
           "net.ipv4.conf.v/1.accept_local=1", "--sysctl", "net/ipv4/conf/p.1/accept_local=1"});
  INFO(set.err);
  REQUIRE(set.Succeeded());
  CHECK(netns.Read(port) == other + "\n");
  CHECK(netns.Read("/proc/sys/net/ipv4/conf/v.1/accept_local") == "1\n");
  CHECK(netns.Read("/proc/sys/net/ipv4/conf/p.1/accept_local") == "1\n");
  CHECK(Run({"cat", port}).out == node_port);

  // A name that namespace does not have, a value the kernel refuses, a name that would
  // leave /proc/sys: exit 1 naming it.
  for (const std::string& kv : std::vector<std::string>{
           "net.ipv4.no_such_sysctl=1", "net.ipv4.ip_unprivileged_port_start=x",
           "net/../vm/swappiness=1", "net.ipv4.conf..accept_local=1"}) {
    INFO(kv);
    Outcome refused = Run({kPinns, "--netns", netns.path, "--sysctl", kv});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find(kv.substr(0, kv.find('='))) != std::string::npos);
  }
  Outcome missing =
      Run({kPinns, "--netns", netns.scratch.path() + "/none", "--sysctl", "net.ipv4.ip_forward=1"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("/none") != std::string::npos);
  // Usage errors: a relative path, no sysctl, a namespace to make as well.
  CHECK(Run({kPinns, "--netns", "net", "--sysctl", "net.ipv4.ip_forward=1"}).exit_code == 2);
  CHECK(Run({kPinns, "--netns", netns.path}).exit_code == 2);
  CHECK(Run({kPinns, "--netns", netns.path, "--ipc", "--sysctl", "net.ipv4.ip_forward=1"})
            .exit_code == 2);
  CHECK(netns.Read(port) == other + "\n");
}

TEST_CASE("cria-pause is PID 1 of a new PID namespace, reaps orphans, ends on SIGTERM") {
  Command pause;
  pause.argv = {"unshare", "--pid", "--fork", kPause};
  std::thread runner([&] {
    auto outcome = cria::process::Run(pause);
    REQUIRE(outcome.ok());
    CHECK(outcome->exit_code == 0);  // SIGTERM ends it cleanly
  });
  // Find it among the host's processes: NSpid says it is 1 in its own namespace.
  pid_t pause_pid = 0;
  for (int i = 0; i < 100 && pause_pid == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code ec;
      std::string exe = fs::read_symlink(entry.path() / "exe", ec);
      if (ec || exe.find("cria-pause") == std::string::npos) continue;
      Outcome status = Run({"grep", "^NSpid:", "/proc/" + name + "/status"});
      if (status.out.find("\t1\n") != std::string::npos) pause_pid = std::stoi(name);
    }
  }
  REQUIRE(pause_pid > 0);
  // An orphan in its namespace is reaped once it exits: no zombie stays.
  std::string ns = "/proc/" + std::to_string(pause_pid) + "/ns/pid";
  CHECK(Run({"nsenter", "--pid=" + ns, "sh", "-c", "sleep 0.2 &"}).Succeeded());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  Outcome zombies = Run({"sh", "-c",
                         "grep -l '^PPid:[[:space:]]*" + std::to_string(pause_pid) +
                             "$' /proc/[0-9]*/status 2>/dev/null | wc -l"});
  CHECK(zombies.out == "0\n");
  ::kill(pause_pid, SIGTERM);
  runner.join();
}

TEST_CASE("bad input is refused, and a failed pin leaves nothing") {
  PinDir dir;
  CHECK(Run({kPinns, "--dir", "relative", "--name", "p", "--ipc"}).exit_code == 2);
  CHECK(Run({kPinns, "--dir", dir.path(), "--name", "../x", "--ipc"}).exit_code == 2);
  CHECK(Run({kPinns, "--dir", dir.path(), "--name", "p"}).exit_code == 2);
  CHECK(Run({kPinns, "--dir", dir.path(), "--name", "p", "--pid"}).exit_code == 2);
  Outcome bad = Run({kPinns, "--dir", dir.path(), "--name", "pod", "--ipc", "--uts", "--sysctl",
                     "kernel.no_such_key=1"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("kernel.no_such_key") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() + "/ipc/pod"));
  CHECK_FALSE(fs::exists(dir.path() + "/uts/pod"));
  CHECK(Run({kPause, "extra"}).exit_code == 2);
}

}  // namespace

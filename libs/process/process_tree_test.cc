// KillProcessTree against real processes: a shell whose children and grandchildren keep
// running, and whose processes outside the tree are left alone.
#include "libs/process/process_tree.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

namespace cria::process {
namespace {

using namespace std::chrono_literals;

pid_t Spawn(const char* script) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", script, nullptr);
    ::_exit(127);
  }
  REQUIRE(pid > 0);
  return pid;
}

// The pids whose parent is `parent`.
std::set<pid_t> Children(pid_t parent) {
  std::set<pid_t> out;
  std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                   "/children");
  for (pid_t pid; in >> pid;) out.insert(pid);
  return out;
}

bool Alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const size_t close = stat.rfind(')');
  return close != std::string::npos && stat[close + 2] != 'Z';  // a zombie is dead
}

TEST_CASE("the process, its children and grandchildren are killed; others are not") {
  // sh -> (sleep, sh -> sleep): two levels below the root, all in the background.
  const pid_t root = Spawn("sleep 300 & sh -c 'sleep 301 & wait' & wait");
  const pid_t bystander = Spawn("sleep 302");
  std::set<pid_t> children;
  for (int i = 0; i < 200 && children.size() < 2; ++i) {
    std::this_thread::sleep_for(10ms);
    children = Children(root);
  }
  REQUIRE(children.size() == 2);
  std::set<pid_t> grandchildren;
  for (int i = 0; i < 200 && grandchildren.empty(); ++i) {
    std::this_thread::sleep_for(10ms);
    for (pid_t child : children) {
      for (pid_t g : Children(child)) grandchildren.insert(g);
    }
  }
  REQUIRE(grandchildren.size() == 1);

  CHECK(KillProcessTree(root) == 4);
  int status = 0;
  REQUIRE(::waitpid(root, &status, 0) == root);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // The descendants were re-parented to init (or a subreaper) and reaped there: gone.
  for (int i = 0; i < 200; ++i) {
    bool any = false;
    for (pid_t pid : children) any = any || Alive(pid);
    for (pid_t pid : grandchildren) any = any || Alive(pid);
    if (!any) break;
    std::this_thread::sleep_for(10ms);
  }
  for (pid_t pid : children) CHECK_FALSE(Alive(pid));
  for (pid_t pid : grandchildren) CHECK_FALSE(Alive(pid));
  CHECK(Alive(bystander));
  ::kill(bystander, SIGKILL);
  ::waitpid(bystander, nullptr, 0);
  CHECK(KillProcessTree(root) == 0);  // gone (and reaped)
}

}  // namespace
}  // namespace cria::process

#include "services/network/netns/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "libs/testing/temp_dir.h"

namespace cria::network::netns {
namespace {

// A scratch directory for pins: every pin still in it is removed (unmounted) before the
// directory itself goes.
struct PinDir {
  cria::testing::TempDir scratch{"cria-netns-", "/tmp"};

  ~PinDir() {
    for (const auto& n : List(path())) (void)Remove(path() + "/" + n);
  }
  const std::string& path() const { return scratch.path(); }
};

ino_t NetnsInode(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// Reads /proc/net/dev as seen from inside the namespace at `path`.
std::string InterfacesIn(const std::string& path) {
  std::string out;
  std::thread([&] {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) return;
    close(fd);
    std::ifstream in("/proc/thread-self/net/dev");
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    // A thread that changed namespace is never reused: it ends here.
  }).join();
  return out;
}

TEST_CASE("a pinned netns is a new namespace with only lo, and goes away on Remove") {
  PinDir dir;
  std::string pin = dir.path() + "/pod1";
  ino_t before = NetnsInode("/proc/thread-self/ns/net");
  REQUIRE(Create(pin).ok());
  CHECK(IsPinned(pin));
  CHECK(NetnsInode(pin) != NetnsInode("/proc/self/ns/net"));
  std::string ifaces = InterfacesIn(pin);
  CHECK(ifaces.find(" lo:") != std::string::npos);
  CHECK(ifaces.find("eth0") == std::string::npos);
  // The creating thread did not change the calling thread's namespace.
  CHECK(NetnsInode("/proc/thread-self/ns/net") == before);

  REQUIRE(Remove(pin).ok());
  CHECK_FALSE(std::filesystem::exists(pin));
  CHECK(Remove(pin).ok());  // idempotent
}

TEST_CASE("two pods get two namespaces; an existing pin is refused") {
  PinDir dir;
  REQUIRE(Create(dir.path() + "/a").ok());
  REQUIRE(Create(dir.path() + "/b").ok());
  CHECK(NetnsInode(dir.path() + "/a") != NetnsInode(dir.path() + "/b"));
  Status again = Create(dir.path() + "/a");
  CHECK(again.code() == StatusCode::kAlreadyExists);
  CHECK(IsPinned(dir.path() + "/a"));  // the refusal left the first one alone
  CHECK(List(dir.path()).size() == 2);
}

TEST_CASE("a leftover pin file that was never mounted is removed") {
  PinDir dir;
  std::ofstream(dir.path() + "/half") << "";
  CHECK_FALSE(IsPinned(dir.path() + "/half"));
  CHECK(Remove(dir.path() + "/half").ok());
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/half"));
}

}  // namespace
}  // namespace cria::network::netns

#include "services/runtime/containers/volume_content.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "libs/testing/temp_dir.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

void Write(const std::string& path, const std::string& text, mode_t mode, uid_t uid, gid_t gid) {
  std::ofstream(path) << text;
  REQUIRE(::chown(path.c_str(), uid, gid) == 0);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct stat Lstat(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

// An image's root filesystem with a VOLUME directory /data holding one of each kind.
struct Rootfs {
  cria::testing::TempDir dir{"cria-volume-test-"};
  std::string root = dir.path() + "/rootfs", volume = dir.path() + "/volume";

  Rootfs() {
    fs::create_directories(root + "/data/sub");
    REQUIRE(::chown((root + "/data").c_str(), 1000, 1001) == 0);
    REQUIRE(::chmod((root + "/data").c_str(), 02750) == 0);
    Write(root + "/data/a", "hello\n", 04750, 1000, 1000);
    Write(root + "/data/sub/b", "deep\n", 0600, 1002, 1002);
    REQUIRE(::symlink("/etc/passwd", (root + "/data/link").c_str()) == 0);
    REQUIRE(::mkfifo((root + "/data/pipe").c_str(), 0640) == 0);
    const struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (root + "/data/a").c_str(), old, 0) == 0);
    fs::create_directories(volume);
  }
};

TEST_CASE("a volume gets the image's content at its path, owners and modes kept", "[volume]") {
  Rootfs r;
  REQUIRE(CopyVolumeContent(r.root, "/data", r.volume).ok());
  struct stat top = Lstat(r.volume);
  CHECK(top.st_uid == 1000);
  CHECK(top.st_gid == 1001);
  CHECK((top.st_mode & 07777) == 02750);
  CHECK(Read(r.volume + "/a") == "hello\n");
  struct stat a = Lstat(r.volume + "/a");
  CHECK((a.st_mode & 07777) == 04750);  // set-uid kept: chown came first
  CHECK(a.st_uid == 1000);
  CHECK(a.st_mtim.tv_sec == 1000000000);
  CHECK(Read(r.volume + "/sub/b") == "deep\n");
  CHECK(Lstat(r.volume + "/sub/b").st_uid == 1002);
  CHECK(S_ISLNK(Lstat(r.volume + "/link").st_mode));
  CHECK(fs::read_symlink(r.volume + "/link") == "/etc/passwd");  // copied, not followed
  CHECK(S_ISFIFO(Lstat(r.volume + "/pipe").st_mode));
  CHECK((Lstat(r.volume + "/pipe").st_mode & 07777) == 0640);
}

TEST_CASE("a volume path is resolved inside the root filesystem", "[volume]") {
  Rootfs r;
  // Symlinks that would leave the root stay inside it: "/up/data" is the image's /data.
  REQUIRE(::symlink("../../../..", (r.root + "/up").c_str()) == 0);
  REQUIRE(CopyVolumeContent(r.root, "/up/data", r.volume).ok());
  CHECK(Read(r.volume + "/a") == "hello\n");
  // An absolute link to the host's /etc is the image's /etc, which it does not have.
  const std::string other = r.dir.path() + "/other";
  fs::create_directories(other);
  REQUIRE(::symlink("/etc", (r.root + "/hostetc").c_str()) == 0);
  REQUIRE(CopyVolumeContent(r.root, "/hostetc", other).ok());
  CHECK(fs::is_empty(other));
}

TEST_CASE("no directory at the path: the volume stays as it is", "[volume]") {
  Rootfs r;
  REQUIRE(CopyVolumeContent(r.root, "/missing", r.volume).ok());
  CHECK(fs::is_empty(r.volume));
  REQUIRE(CopyVolumeContent(r.root, "/data/a", r.volume).ok());  // a file
  CHECK(fs::is_empty(r.volume));
  CHECK((Lstat(r.volume).st_mode & 07777) == 0755);
}

TEST_CASE("an entry that cannot be copied fails the copy, naming it", "[volume]") {
  Rootfs r;
  Write(r.volume + "/a", "in the way\n", 0644, 0, 0);  // the volume was not empty
  Status s = CopyVolumeContent(r.root, "/data", r.volume);
  CHECK(s.code() == StatusCode::kAlreadyExists);
  CHECK(MessageOf(s).find("/data/a") != std::string::npos);
}

}  // namespace
}  // namespace cria::runtime::containers

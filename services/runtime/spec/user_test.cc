// Who a container runs as: passwd/group parsing, reading them inside the rootfs only, and
// the CRI/image user rules.
#include "services/runtime/spec/user.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "services/runtime/spec/passwd.h"
#include "services/runtime/spec/rootfs_file.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
namespace fs = std::filesystem;
using Catch::Contains;
using Gids = std::vector<uint32_t>;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPasswd[] =
    "# users\n"
    "root:x:0:0:root:/root:/bin/sh\n"
    "\n"
    "daemon:x:1:1::/:/bin/false\n"
    "app:x:1000:1001:App:/home/app:/bin/sh\n"
    "broken:x:abc:1\n"
    "short:x:5\n"
    ":x:7:7::/:\n"
    "  spaced:x:2000:2000::/:/bin/sh  \r\n";

constexpr char kGroup[] =
    "root:x:0:\n"
    "daemon:x:1:app\n"
    "app:x:1001:\n"
    "web:x:3000:nobody, app ,other\n"
    "ops:x:4000:root\n"
    "bad:x:-1:app\n";

TEST_CASE("passwd lines are parsed as the C library does") {
  std::vector<PasswdEntry> users = ParsePasswd(kPasswd);
  REQUIRE(users.size() == 4);
  CHECK(users[0].name == "root");
  CHECK(users[2].name == "app");
  CHECK(users[2].uid == 1000);
  CHECK(users[2].gid == 1001);
  CHECK(users[3].name == "spaced");
  CHECK(users[3].uid == 2000);
}

TEST_CASE("group lines are parsed with their members") {
  std::vector<GroupEntry> groups = ParseGroup(kGroup);
  REQUIRE(groups.size() == 5);
  CHECK(groups[1].members == std::vector<std::string>{"app"});
  CHECK(groups[3].members == std::vector<std::string>{"nobody", "app", "other"});
  CHECK(groups[0].members.empty());
}

TEST_CASE("ids are decimal uid_t values other than -1") {
  CHECK(*ParseId("0") == 0);
  CHECK(*ParseId("4294967294") == 4294967294u);
  CHECK_FALSE(ParseId("4294967295"));
  CHECK_FALSE(ParseId("99999999999"));
  CHECK_FALSE(ParseId("-1"));
  CHECK_FALSE(ParseId("1e3"));
  CHECK_FALSE(ParseId(""));
}

// A rootfs with the files above, and a directory beside it that plays "the host".
struct Rootfs {
  TempDir dir;
  std::string root = dir.path() + "/rootfs";
  std::string outside = dir.path() + "/outside";
  Rootfs() {
    WriteFile(root + "/etc/passwd", kPasswd);
    WriteFile(root + "/etc/group", kGroup);
    WriteFile(outside + "/passwd", "root:x:0:0::/:\nalice:x:4242:4242::/:\n");
    WriteFile(outside + "/group", "wheel:x:10:alice,app\n");
  }
};

TEST_CASE("files are read inside the rootfs") {
  Rootfs fs_;
  Result<std::string> text = ReadFileInRoot(fs_.root, "/etc/passwd", 1 << 20);
  REQUIRE(text.ok());
  CHECK(*text == kPasswd);
  CHECK(ReadFileInRoot(fs_.root, "/etc/shadow", 1 << 20).status().code() == StatusCode::kNotFound);
  CHECK(ReadFileInRoot(fs_.root, "/etc", 1 << 20).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(ReadFileInRoot(fs_.root, "/etc/passwd", 10).status().code() == StatusCode::kOutOfRange);
}

TEST_CASE("symlinks never lead out of the rootfs") {
  Rootfs r;
  fs::remove(r.root + "/etc/passwd");
  SECTION("an absolute link to a host file resolves inside the rootfs") {
    fs::create_symlink(r.outside + "/passwd", r.root + "/etc/passwd");
    CHECK(ReadFileInRoot(r.root, "/etc/passwd", 1 << 20).status().code() == StatusCode::kNotFound);
    // The same path inside the rootfs is what it finds.
    WriteFile(r.root + r.outside + "/passwd", "inside:x:1:1::/:\n");
    CHECK(*ReadFileInRoot(r.root, "/etc/passwd", 1 << 20) == "inside:x:1:1::/:\n");
  }
  SECTION("a relative link climbing above the root stops at the root") {
    fs::create_symlink("../../../../../../outside/passwd", r.root + "/etc/passwd");
    CHECK(ReadFileInRoot(r.root, "/etc/passwd", 1 << 20).status().code() == StatusCode::kNotFound);
  }
  SECTION("a link inside the rootfs is followed") {
    WriteFile(r.root + "/usr/share/passwd", "x:x:9:9::/:\n");
    fs::create_symlink("/usr/share/passwd", r.root + "/etc/passwd");
    CHECK(*ReadFileInRoot(r.root, "/etc/passwd", 1 << 20) == "x:x:9:9::/:\n");
  }
  SECTION("a user of the host's passwd is unknown to the image") {
    fs::create_symlink(r.outside + "/passwd", r.root + "/etc/passwd");
    cri::LinuxContainerSecurityContext security;
    security.set_run_as_username("alice");
    Result<User> user = ResolveUser(security, "", r.root, "evil:1");
    REQUIRE(user.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(user.status()), Contains("alice") && Contains("evil:1"));
  }
}

TEST_CASE("a FIFO in place of /etc/passwd does not block") {
  Rootfs r;
  fs::remove(r.root + "/etc/passwd");
  REQUIRE(::mkfifo((r.root + "/etc/passwd").c_str(), 0644) == 0);
  CHECK(ReadFileInRoot(r.root, "/etc/passwd", 1 << 20).status().code() ==
        StatusCode::kFailedPrecondition);
}

User Resolve(const cri::LinuxContainerSecurityContext& security, const std::string& image_user,
             const std::string& root) {
  Result<User> user = ResolveUser(security, image_user, root, "img:1");
  INFO(user.status().ToString());
  REQUIRE(user.ok());
  return *user;
}

TEST_CASE("the user from the image's USER") {
  Rootfs r;
  cri::LinuxContainerSecurityContext none;
  SECTION("nothing: root, with root's groups") {
    User u = Resolve(none, "", r.root);
    CHECK(u.uid == 0);
    CHECK(u.gid == 0);
    CHECK(u.additional_gids == Gids{0, 4000});
  }
  SECTION("a uid listed in passwd takes its gid and groups") {
    User u = Resolve(none, "1000", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1001);
    CHECK(u.additional_gids == Gids{1001, 1, 3000});
  }
  SECTION("a uid not listed: gid 0, no groups") {
    User u = Resolve(none, "4321", r.root);
    CHECK(u.uid == 4321);
    CHECK(u.gid == 0);
    CHECK(u.additional_gids == Gids{0});
  }
  SECTION("uid:gid") {
    User u = Resolve(none, "1000:55", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 55);
    CHECK(u.additional_gids == Gids{55, 1, 3000});
  }
  SECTION("name") {
    User u = Resolve(none, "app", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1001);
  }
  SECTION("name:group") {
    User u = Resolve(none, "app:web", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 3000);
    CHECK(u.additional_gids == Gids{3000, 1});
  }
  SECTION("unknown names are InvalidArgument naming them and the image") {
    Result<User> u = ResolveUser(none, "ghost", r.root, "img:1");
    CHECK(u.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(u.status()), Contains("\"ghost\"") && Contains("img:1"));
    u = ResolveUser(none, "app:nogroup", r.root, "img:1");
    CHECK(u.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(u.status()), Contains("nogroup") && Contains("/etc/group"));
    CHECK(ResolveUser(none, ":1", r.root, "img:1").status().code() == StatusCode::kInvalidArgument);
    CHECK(ResolveUser(none, "app:", r.root, "img:1").status().code() ==
          StatusCode::kInvalidArgument);
  }
  SECTION("no /etc/passwd: numeric users still work") {
    fs::remove(r.root + "/etc/passwd");
    fs::remove(r.root + "/etc/group");
    User u = Resolve(none, "10:20", r.root);
    CHECK(u.uid == 10);
    CHECK(u.gid == 20);
    CHECK(ResolveUser(none, "app", r.root, "img").status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("the CRI security context overrides the image's USER") {
  Rootfs r;
  cri::LinuxContainerSecurityContext security;
  SECTION("run_as_user, looked up for its gid; the image's group is not used") {
    security.mutable_run_as_user()->set_value(1000);
    User u = Resolve(security, "0:0", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1001);
  }
  SECTION("run_as_user 0 is root, not 'unset'") {
    security.mutable_run_as_user()->set_value(0);
    CHECK(Resolve(security, "app", r.root).uid == 0);
  }
  SECTION("run_as_username") {
    security.set_run_as_username("app");
    User u = Resolve(security, "root", r.root);
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1001);
  }
  SECTION("run_as_group replaces the primary group") {
    security.mutable_run_as_user()->set_value(1000);
    security.mutable_run_as_group()->set_value(7);
    User u = Resolve(security, "", r.root);
    CHECK(u.gid == 7);
    CHECK(u.additional_gids == Gids{7, 1, 3000});
  }
  SECTION("run_as_group alone is refused") {
    security.mutable_run_as_group()->set_value(7);
    CHECK(ResolveUser(security, "app", r.root, "img").status().code() ==
          StatusCode::kInvalidArgument);
  }
  SECTION("run_as_user and run_as_username together are refused") {
    security.mutable_run_as_user()->set_value(1);
    security.set_run_as_username("app");
    CHECK(ResolveUser(security, "", r.root, "img").status().code() == StatusCode::kInvalidArgument);
  }
  SECTION("an unknown run_as_username names the user and image") {
    security.set_run_as_username("nobody-here");
    Result<User> u = ResolveUser(security, "", r.root, "registry/app:2");
    CHECK(u.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(u.status()), Contains("nobody-here") && Contains("registry/app:2"));
  }
  SECTION("negative ids are refused") {
    security.mutable_run_as_user()->set_value(-5);
    CHECK(ResolveUser(security, "", r.root, "img").status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("supplementary groups: Merge and Strict") {
  Rootfs r;
  cri::LinuxContainerSecurityContext security;
  security.set_run_as_username("app");
  security.add_supplemental_groups(5000);
  security.add_supplemental_groups(3000);
  SECTION("Merge (the default): primary, /etc/group, then the CRI's, each once") {
    CHECK(Resolve(security, "", r.root).additional_gids == Gids{1001, 1, 3000, 5000});
  }
  SECTION("Strict: primary and the CRI's only") {
    security.set_supplemental_groups_policy(cri::SupplementalGroupsPolicy::Strict);
    CHECK(Resolve(security, "", r.root).additional_gids == Gids{1001, 5000, 3000});
  }
}

}  // namespace
}  // namespace cria::runtime::spec

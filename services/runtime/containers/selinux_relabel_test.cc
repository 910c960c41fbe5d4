// Relabelling needs CAP_SYS_ADMIN for security.* attributes (root) and a filesystem that
// stores them (the test's temp dir); the kernel need not run SELinux for that.
#include "services/runtime/containers/selinux_relabel.h"

#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "libs/testing/temp_dir.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

std::string LabelOf(const std::string& path) {
  char value[256] = {};
  ssize_t n = ::lgetxattr(path.c_str(), "security.selinux", value, sizeof(value) - 1);
  return n > 0 ? std::string(value, static_cast<size_t>(n) - 1) : "";
}

TEST_CASE("a tree gets the mount label, symlinks themselves, targets outside untouched") {
  REQUIRE(::geteuid() == 0);
  // /var/tmp: a disk filesystem that stores security.* attributes (/tmp may be tmpfs).
  cria::testing::TempDir tmp("cria-relabel-", "/var/tmp");
  const std::string root = tmp.path();
  fs::create_directories(root + "/vol/sub");
  std::ofstream(root + "/vol/sub/file") << "x";
  std::ofstream(root + "/outside") << "y";
  fs::create_symlink(root + "/outside", root + "/vol/link");
  const std::string label = "system_u:object_r:container_file_t:s0:c1,c2";
  Status s = RelabelTrees({root + "/vol"}, label);
  if (s.code() == StatusCode::kPermissionDenied ||
      s.message().find("EOPNOTSUPP") != std::string_view::npos) {
    FAIL("this filesystem does not store security.selinux: " << MessageOf(s));
  }
  INFO(MessageOf(s));
  REQUIRE(s.ok());
  CHECK(LabelOf(root + "/vol") == label);
  CHECK(LabelOf(root + "/vol/sub") == label);
  CHECK(LabelOf(root + "/vol/sub/file") == label);
  CHECK(LabelOf(root + "/vol/link") == label);
  CHECK(LabelOf(root + "/outside").empty());
}

TEST_CASE("system directories are refused before anything changes") {
  for (const char* path : {"/", "/etc", "/usr/", "//var", "/home"}) {
    Status s = RelabelTrees({"/var/tmp/nowhere", path}, "system_u:object_r:container_file_t:s0");
    INFO(path);
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  CHECK(RelabelTrees({"/var/tmp"}, "").code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cria::runtime::containers

#include "services/runtime/cgroups/conmon_cgroup.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/testing/temp_dir.h"

namespace cria::runtime::cgroups {
namespace {

namespace fs = std::filesystem;

TEST_CASE("conmon's cgroups: systemd's v1 hierarchy; a tmpfs in place of v2 is not one") {
  cria::testing::TempDir tmp("cria-cgroups-");
  const std::string root = tmp.path();
  Result<std::vector<std::string>> none = PrepareConmonCgroups(root);
  REQUIRE(none.ok());
  CHECK(none->empty());
  fs::create_directories(root + "/systemd");
  fs::create_directories(root + "/unified");  // a plain directory, not cgroup2
  Result<std::vector<std::string>> procs = PrepareConmonCgroups(root);
  REQUIRE(procs.ok());
  CHECK(*procs == std::vector<std::string>{root + "/systemd/cria-conmon/cgroup.procs"});
  CHECK(fs::is_directory(root + "/systemd/cria-conmon"));
  CHECK_FALSE(fs::exists(root + "/unified/cria-conmon"));
}

TEST_CASE("conmon's cgroups on this host: every hierarchy systemd may track units by") {
  struct stat st {};
  if (::stat("/sys/fs/cgroup", &st) != 0) FAIL("no /sys/fs/cgroup");
  Result<std::vector<std::string>> procs = PrepareConmonCgroups();
  REQUIRE(procs.ok());
  const bool hybrid = fs::exists("/sys/fs/cgroup/unified/cgroup.controllers") &&
                      fs::is_directory("/sys/fs/cgroup/systemd");
  if (hybrid) {
    CHECK(*procs == std::vector<std::string>{"/sys/fs/cgroup/unified/cria-conmon/cgroup.procs",
                                             "/sys/fs/cgroup/systemd/cria-conmon/cgroup.procs"});
  } else {
    CHECK_FALSE(procs->empty());
  }
}

}  // namespace
}  // namespace cria::runtime::cgroups

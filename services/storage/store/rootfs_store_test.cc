// One suite, both drivers: the rootfs a container sees is the same whether its layers
// are stacked by overlay or copied by vfs.
#include "services/storage/store/rootfs_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "libs/process/process.h"
#include "libs/testing/temp_dir.h"

namespace cria::storage::store {
namespace {

namespace fs = std::filesystem;

std::string Sh(const std::string& script) {
  process::Command cmd;
  cmd.argv = {"/bin/sh", "-c", script};
  auto r = process::Run(cmd);
  REQUIRE(r.ok());
  INFO(script << "\n" << r->err);
  REQUIRE(r->Succeeded());
  return r->out;
}

struct Fixture {
  explicit Fixture(const std::string& driver_name) {
    driver = std::move(drivers::MakeDriver(driver_name, dir + "/probe").value());
    layers = std::make_unique<LayerStore>(dir + "/storage", *driver);
    rootfs = std::make_unique<RootfsStore>(dir + "/storage", *layers, *driver);
    REQUIRE(layers->Init().ok());
    REQUIRE(rootfs->Init().ok());
    layers->Recover();
    rootfs->Recover();
  }
  ~Fixture() {
    for (const auto& e : fs::directory_iterator(dir + "/storage/containers")) {
      (void)driver->Unmount(e.path());
    }
  }
  // A gzip layer made by GNU tar from a shell snippet; OCI whiteouts are plain files
  // named .wh.<name> and .wh..wh..opq, as image builders write them.
  std::string Layer(const std::string& parent, const std::string& name,
                    const std::string& populate) {
    std::string src = dir + "/src-" + name;
    fs::create_directories(src);
    Sh("cd " + src + " && " + populate);
    Sh("tar --numeric-owner -C " + src + " -czf " + dir + "/" + name + ".tgz .");
    auto r = layers->Apply({parent, dir + "/" + name + ".tgz", ""});
    INFO((r.ok() ? "" : MessageOf(r.status())));
    REQUIRE(r.ok());
    return r->layer.chain_id;
  }
  // Removed after the destructor's body has unmounted every rootfs in it.
  cria::testing::TempDir scratch{"cria-rootfs-", "/tmp"};
  const std::string dir = scratch.path();
  std::unique_ptr<drivers::Driver> driver;
  std::unique_ptr<LayerStore> layers;
  std::unique_ptr<RootfsStore> rootfs;
};

// Every path under `root` with its type and content, sorted.
std::string Manifest(const std::string& root) {
  return Sh("cd " + root +
            " && find . -mindepth 1 -printf '%p %y %m %U:%G %l\\n' | sort && "
            "find . -type f -exec sha256sum {} + | sort -k2");
}

void ConformanceSuite(const std::string& driver_name) {
  Fixture f(driver_name);
  std::string base = f.Layer("", "base",
                             "mkdir -p etc d keep && echo one > etc/a && echo x > d/x && "
                             "echo k > keep/k && chown 1000:1000 keep/k && ln -s etc/a link && "
                             "chmod 0640 etc/a");
  std::string top = f.Layer(base, "top",
                            "mkdir -p etc d && touch etc/.wh.a d/.wh..wh..opq && "
                            "echo y > d/y && echo b > b");

  Result<RootfsInfo> created = f.rootfs->Create("c1", top, false);
  REQUIRE(created.ok());
  Result<RootfsInfo> mounted = f.rootfs->Mount("c1");
  INFO((mounted.ok() ? "" : MessageOf(mounted.status())));
  REQUIRE(mounted.ok());
  const std::string path = mounted->path;
  // The merged view: a deleted, d made opaque (x gone, y there), b added, the rest kept.
  std::string expected_dir = f.dir + "/expected";
  Sh("mkdir -p " + expected_dir + " && cd " + expected_dir +
     " && mkdir -p etc d keep && echo y > d/y && echo b > b && echo k > keep/k && "
     "chown 1000:1000 keep/k && ln -s etc/a link");
  CHECK(Manifest(path) == Manifest(expected_dir));

  // Mounts are counted.
  Result<RootfsInfo> again = f.rootfs->Mount("c1");
  REQUIRE(again.ok());
  CHECK(again->path == path);
  CHECK(again->mounts == 2);
  std::ofstream(path + "/written") << "by the container";
  REQUIRE(f.rootfs->Unmount("c1").ok());
  CHECK(fs::exists(path + "/written"));  // still mounted once
  REQUIRE(f.rootfs->Unmount("c1").ok());
  CHECK(f.rootfs->Unmount("c1").ok());  // not mounted: OK

  // A second container on the same layers does not see the first one's writes.
  REQUIRE(f.rootfs->Create("c2", top, false).ok());
  Result<RootfsInfo> c2 = f.rootfs->Mount("c2");
  REQUIRE(c2.ok());
  CHECK_FALSE(fs::exists(c2->path + "/written"));
  CHECK(fs::exists(c2->path + "/d/y"));

  // Read-only rootfs: writes fail.
  REQUIRE(f.rootfs->Create("ro", top, true).ok());
  Result<RootfsInfo> ro = f.rootfs->Mount("ro");
  REQUIRE(ro.ok());
  int fd = open((ro->path + "/new").c_str(), O_CREAT | O_WRONLY, 0644);
  CHECK(fd < 0);
  CHECK(errno == EROFS);
  if (fd >= 0) close(fd);

  // Empty rootfs.
  REQUIRE(f.rootfs->Create("empty", "", false).ok());
  Result<RootfsInfo> empty = f.rootfs->Mount("empty");
  REQUIRE(empty.ok());
  CHECK(fs::is_empty(empty->path));

  // Bad input.
  CHECK(f.rootfs->Create("c1", top, false).status().code() == StatusCode::kAlreadyExists);
  CHECK(f.rootfs->Create("../x", top, false).status().code() == StatusCode::kInvalidArgument);
  CHECK(f.rootfs->Create("c3", "sha256:" + std::string(64, 'f'), false).status().code() ==
        StatusCode::kNotFound);
  CHECK(f.rootfs->Mount("nope").status().code() == StatusCode::kNotFound);

  // Removing rootfs never touches the layers.
  std::string base_manifest = Manifest(f.layers->Get(base)->diff_dir);
  for (const char* id : {"c1", "c2", "ro", "empty"}) REQUIRE(f.rootfs->Remove(id).ok());
  CHECK(f.rootfs->Remove("c1").ok());  // idempotent
  CHECK(fs::is_empty(f.dir + "/storage/containers"));
  CHECK(Manifest(f.layers->Get(base)->diff_dir) == base_manifest);
  CHECK(f.rootfs->UsedLayers().empty());
}

TEST_CASE("overlay: the merged view, mount counting, read-only, removal") {
  ConformanceSuite("overlay");
}

TEST_CASE("vfs: the same view from full copies") { ConformanceSuite("vfs"); }

TEST_CASE("auto picks overlay where it can be mounted") {
  cria::testing::TempDir scratch("cria-probe-", "/tmp");
  const std::string dir = scratch.path();
  auto d = drivers::MakeDriver("auto", dir + "/probe");
  REQUIRE(d.ok());
  CHECK(std::string((*d)->Name()) == "overlay");
  CHECK_FALSE(fs::exists(dir + "/probe"));
  CHECK(drivers::MakeDriver("zfs", "/tmp").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a long chain of layers still mounts (short link names)") {
  Fixture f("overlay");
  std::string top;
  for (int i = 0; i < 60; ++i) {
    top = f.Layer(top, "l" + std::to_string(i),
                  "echo " + std::to_string(i) + " > f" + std::to_string(i));
  }
  REQUIRE(f.rootfs->Create("deep", top, false).ok());
  Result<RootfsInfo> m = f.rootfs->Mount("deep");
  INFO((m.ok() ? "" : MessageOf(m.status())));
  REQUIRE(m.ok());
  CHECK(fs::exists(m->path + "/f0"));
  CHECK(fs::exists(m->path + "/f59"));
  REQUIRE(f.rootfs->Remove("deep").ok());
}

TEST_CASE("at start, half-made rootfs dirs are removed and records reloaded") {
  Fixture f("overlay");
  std::string base = f.Layer("", "base", "echo a > a");
  REQUIRE(f.rootfs->Create("kept", base, false).ok());
  fs::create_directories(f.dir + "/storage/containers/half/upper");
  RootfsStore restarted(f.dir + "/storage", *f.layers, *f.driver);
  REQUIRE(restarted.Init().ok());
  RootfsRecovery rec = restarted.Recover();
  CHECK(rec.rootfs == 1);
  CHECK(rec.removed.size() == 1);
  CHECK(restarted.Get("kept").ok());
  CHECK(restarted.UsedLayers() == std::set<std::string>{base});
}

}  // namespace
}  // namespace cria::storage::store

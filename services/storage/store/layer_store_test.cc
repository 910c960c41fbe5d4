#include "services/storage/store/layer_store.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "libs/digest/chain_id.h"
#include "libs/process/process.h"
#include "libs/testing/temp_dir.h"
#include "services/storage/drivers/driver.h"

namespace cria::storage::store {

using digest::ChainId;
using digest::DigestHex;
using digest::IsDigest;
namespace {

namespace fs = std::filesystem;
using cria::testing::TempDir;

// The layer store with the overlay driver (the vfs one is covered by rootfs_store_test).
drivers::Driver& Overlay() {
  static std::unique_ptr<drivers::Driver> d = std::move(drivers::MakeDriver("overlay", "").value());
  return *d;
}

std::string Sh(const std::string& script) {
  process::Command cmd;
  cmd.argv = {"/bin/sh", "-c", script};
  auto r = process::Run(cmd);
  REQUIRE(r.ok());
  INFO(r->err);
  REQUIRE(r->Succeeded());
  return r->out;
}

// A gzip layer of `files` (name -> content) and its diffID (sha256 of the plain tar).
std::pair<std::string, std::string> MakeLayer(const std::string& dir, const std::string& name,
                                              const std::map<std::string, std::string>& files) {
  std::string src = dir + "/src-" + name;
  for (const auto& [path, content] : files) {
    fs::create_directories(fs::path(src + "/" + path).parent_path());
    std::ofstream(src + "/" + path) << content;
  }
  std::string tar = dir + "/" + name + ".tar";
  Sh("tar --numeric-owner -C " + src + " -cf " + tar + " . && gzip -kn " + tar);
  std::string hex = Sh("sha256sum " + tar + " | cut -d' ' -f1");
  hex.pop_back();
  return {tar + ".gz", "sha256:" + hex};
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("chain IDs follow the OCI definition") {
  std::string a = "sha256:" + std::string(64, 'a');
  std::string b = "sha256:" + std::string(64, 'b');
  CHECK(ChainId("", a).value() == a);
  std::string expected = Sh("printf '%s' '" + a + " " + b + "' | sha256sum | cut -d' ' -f1");
  expected.pop_back();
  CHECK(ChainId(a, b).value() == "sha256:" + expected);
  CHECK_FALSE(ChainId("", "sha256:xyz").ok());
  CHECK_FALSE(ChainId("md5:00", a).ok());
}

TEST_CASE("layers apply onto their parents, are found again, and survive a restart") {
  TempDir dir("cria-store-", "/tmp");
  auto [base_blob, base_diff] = MakeLayer(dir.path(), "base", {{"etc/os-release", "cria\n"}});
  auto [top_blob, top_diff] = MakeLayer(dir.path(), "top", {{"app/run.sh", "echo hi\n"}});
  std::string root = dir.path() + "/storage";
  {
    LayerStore store(root, Overlay());
    REQUIRE(store.Init().ok());
    store.Recover();
    Result<ApplyOutcome> base = store.Apply({"", base_blob, ""});
    INFO((base.ok() ? "" : MessageOf(base.status())));
    REQUIRE(base.ok());
    CHECK_FALSE(base->already_present);
    CHECK(base->layer.diff_id == base_diff);
    CHECK(base->layer.chain_id == base_diff);
    CHECK(Read(base->layer.diff_dir + "/etc/os-release") == "cria\n");

    Result<ApplyOutcome> top = store.Apply({base_diff, top_blob, top_diff});
    REQUIRE(top.ok());
    CHECK(top->layer.chain_id == ChainId(base_diff, top_diff).value());
    CHECK(top->layer.parent == base_diff);
    CHECK(Read(top->layer.diff_dir + "/app/run.sh") == "echo hi\n");
    CHECK_FALSE(fs::exists(top->layer.diff_dir + "/etc/os-release"));  // only its own files

    // Present already: answered from the chain ID alone, without reading any blob.
    Result<ApplyOutcome> again = store.Apply({base_diff, "/no/such/blob", top_diff});
    REQUIRE(again.ok());
    CHECK(again->already_present);
    CHECK(again->layer.chain_id == top->layer.chain_id);
  }
  LayerStore restarted(root, Overlay());
  REQUIRE(restarted.Init().ok());
  StoreRecovery rec = restarted.Recover();
  CHECK(rec.layers == 2);
  CHECK(rec.removed.empty());
  CHECK(restarted.Get(ChainId(base_diff, top_diff).value()).has_value());
}

TEST_CASE("a failed apply leaves no layer and no temp dir") {
  TempDir dir("cria-store-", "/tmp");
  auto [blob, diff] = MakeLayer(dir.path(), "l", {{"f", "x"}});
  LayerStore store(dir.path() + "/storage", Overlay());
  REQUIRE(store.Init().ok());
  store.Recover();
  std::string wrong = "sha256:" + std::string(64, '0');
  Result<ApplyOutcome> r = store.Apply({"", blob, wrong});
  REQUIRE_FALSE(r.ok());
  CHECK(MessageOf(r.status()).find("apply layer " + blob) == 0);
  CHECK(MessageOf(r.status()).find(wrong) != std::string::npos);
  CHECK(store.List().empty());
  CHECK(fs::is_empty(dir.path() + "/storage/tmp"));
  CHECK(fs::is_empty(dir.path() + "/storage/layers"));
}

TEST_CASE("bad requests are refused naming the problem") {
  TempDir dir("cria-store-", "/tmp");
  auto [blob, diff] = MakeLayer(dir.path(), "l", {{"f", "x"}});
  LayerStore store(dir.path() + "/storage", Overlay());
  REQUIRE(store.Init().ok());
  store.Recover();
  Result<ApplyOutcome> orphan = store.Apply({"sha256:" + std::string(64, 'c'), blob, ""});
  CHECK(orphan.status().code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(orphan.status()).find("is not present") != std::string::npos);
  CHECK(store.Apply({"", "relative/blob", ""}).status().code() == StatusCode::kInvalidArgument);
  CHECK(store.Apply({"sha1:abc", blob, ""}).status().code() == StatusCode::kInvalidArgument);
  CHECK(store.Apply({"", dir.path() + "/missing", ""}).status().code() == StatusCode::kNotFound);
}

TEST_CASE("GC keeps pinned chains and layers in use, and removes the rest") {
  TempDir dir("cria-store-", "/tmp");
  LayerStore store(dir.path() + "/storage", Overlay());
  REQUIRE(store.Init().ok());
  store.Recover();
  auto apply = [&](const std::string& parent, const std::string& name) {
    auto [blob, diff] = MakeLayer(dir.path(), name, {{name, std::string(100000, 'x')}});
    auto r = store.Apply({parent, blob, diff});
    REQUIRE(r.ok());
    return r->layer.chain_id;
  };
  std::string base = apply("", "base");
  std::string pinned_top = apply(base, "app");
  std::string used_top = apply(base, "tool");
  std::string loose = apply("", "loose");
  std::string loose_top = apply(loose, "loose2");
  REQUIRE(store.Pin(pinned_top, "image:one").ok());
  REQUIRE(store.Pin(pinned_top, "image:one").ok());  // idempotent
  CHECK(store.Pin(loose + "0", "x").code() == StatusCode::kNotFound);

  Result<GcReport> gc = store.CollectGarbage({used_top});
  REQUIRE(gc.ok());
  CHECK(gc->removed.size() == 2);  // loose and loose_top
  CHECK(gc->bytes_freed >= 200000);
  CHECK_FALSE(store.Get(loose).has_value());
  CHECK_FALSE(store.Get(loose_top).has_value());
  CHECK(store.Get(base).has_value());  // parent of a pinned and of a used layer
  CHECK(store.Get(used_top).has_value());

  // Pins survive a restart; once released, the chain goes.
  LayerStore restarted(dir.path() + "/storage", Overlay());
  REQUIRE(restarted.Init().ok());
  restarted.Recover();
  CHECK(restarted.Get(pinned_top)->holders == std::vector<std::string>{"image:one"});
  REQUIRE(restarted.Unpin(pinned_top, "image:one").ok());
  CHECK(restarted.Unpin(pinned_top, "image:one").ok());
  gc = restarted.CollectGarbage({});
  REQUIRE(gc.ok());
  CHECK(gc->removed.size() == 3);
  CHECK(restarted.List().empty());
  CHECK(fs::is_empty(dir.path() + "/storage/layers"));
  CHECK(fs::is_empty(dir.path() + "/storage/l"));
}

TEST_CASE("a store that may not make devices refuses a layer with one, naming it") {
  TempDir dir("cria-store-", "/tmp");
  std::string src = dir.path() + "/src";
  Sh("mkdir -p " + src + "/dev && mknod " + src + "/dev/null c 1 3 && tar --numeric-owner -C " +
     src + " -czf " + dir.path() + "/dev.tgz .");
  LayerStore store(dir.path() + "/storage", Overlay(), /*allow_devices=*/false);
  REQUIRE(store.Init().ok());
  store.Recover();
  Result<ApplyOutcome> r = store.Apply({"", dir.path() + "/dev.tgz", ""});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(r.status()).find("dev/null") != std::string::npos);
  CHECK(store.List().empty());
  CHECK(fs::is_empty(dir.path() + "/storage/tmp"));
}

TEST_CASE("leftovers of an interrupted apply are removed at start") {
  TempDir dir("cria-store-", "/tmp");
  std::string root = dir.path() + "/storage";
  fs::create_directories(root + "/tmp/apply-half/diff/usr");
  fs::create_directories(root + "/layers/" + std::string(64, 'd') + "/diff");  // no record
  LayerStore store(root, Overlay());
  REQUIRE(store.Init().ok());
  StoreRecovery rec = store.Recover();
  CHECK(rec.removed.size() == 2);
  CHECK(fs::is_empty(root + "/tmp"));
  CHECK(fs::is_empty(root + "/layers"));
}

}  // namespace
}  // namespace cria::storage::store

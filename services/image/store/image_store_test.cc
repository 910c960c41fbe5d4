#include "services/image/store/image_store.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "libs/testing/temp_dir.h"
#include "services/image/store/lookup.h"

namespace cria::image::store {
namespace {

namespace fs = std::filesystem;

// A store root of the test's own, removed at the end.
struct TempRoot {
  cria::testing::TempDir dir{"cria-image-store-", "/tmp"};
  const std::string& path = dir.path();
};

std::string Id(char c) { return "sha256:" + std::string(64, c); }

ImageRecord Record(char c, std::vector<std::string> tags) {
  ImageRecord r;
  r.id = Id(c);
  r.repo_tags = std::move(tags);
  r.repo_digests = {"docker.io/library/busybox@" + Id('d')};
  r.manifest_digest = Id(static_cast<char>(c + 1));
  r.chain_ids = {Id('c')};
  r.size = 42;
  r.source = "docker.io/library/busybox:latest";
  return r;
}

const NameRules kRules{{"docker.io"}, {}};

TEST_CASE("records and blobs survive a reload; lookups by id, prefix, tag and digest") {
  TempRoot root;
  ImageStore store(root.path);
  REQUIRE(store.Init().ok());
  REQUIRE(store.Put(Record('a', {"docker.io/library/busybox:latest"}), "{\"c\":1}", "{}").ok());
  ImageStore again(root.path);
  REQUIRE(again.Init().ok());
  StoreRecovery loaded = again.Load();
  CHECK(loaded.images == 1);
  CHECK(loaded.removed.empty());
  CHECK(again.ReadConfig(Id('a')).value() == "{\"c\":1}");
  CHECK(FindImage(again, "busybox", kRules)->id == Id('a'));
  CHECK(FindImage(again, "docker.io/library/busybox:latest", kRules)->id == Id('a'));
  CHECK(FindImage(again, "busybox@" + Id('d'), kRules)->id == Id('a'));
  CHECK(FindImage(again, Id('a'), kRules)->id == Id('a'));
  CHECK(FindImage(again, "aaaa", kRules)->id == Id('a'));
  CHECK(FindImage(again, "busybox:other", kRules).status().code() == StatusCode::kNotFound);
  CHECK(FindImage(again, "", kRules).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a tag moves to the image stored under it; the old one stays untagged") {
  TempRoot root;
  ImageStore store(root.path);
  REQUIRE(store.Init().ok());
  REQUIRE(
      store.Put(Record('a', {"docker.io/library/x:1", "docker.io/library/x:2"}), "{}", "{}").ok());
  REQUIRE(store.Put(Record('b', {"docker.io/library/x:1"}), "{}", "{}").ok());
  CHECK(store.Get(Id('a'))->repo_tags == std::vector<std::string>{"docker.io/library/x:2"});
  CHECK(FindImage(store, "x:1", kRules)->id == Id('b'));
  // An ambiguous prefix is refused; a longer one finds the image.
  REQUIRE(store.Put(Record('e', {}), "{}", "{}").ok());
  ImageRecord ea = Record('e', {});
  ea.id = "sha256:eee" + std::string(61, 'a');
  REQUIRE(store.Put(ea, "{}", "{}").ok());
  CHECK(store.FindById("eee").status().code() == StatusCode::kInvalidArgument);
  CHECK(store.FindById("eeea")->id == ea.id);
}

TEST_CASE("removal drops record and blobs; unreferenced blobs and tmp go at load") {
  TempRoot root;
  ImageStore store(root.path);
  REQUIRE(store.Init().ok());
  REQUIRE(store.Put(Record('a', {"docker.io/library/a:1"}), "{}", "{}").ok());
  REQUIRE(store.RemoveName(Id('a'), "docker.io/library/a:1").ok());
  CHECK(store.Get(Id('a'))->repo_tags.empty());
  REQUIRE(store.Remove(Id('a')).ok());
  CHECK_FALSE(store.Get(Id('a')).has_value());
  CHECK_FALSE(fs::exists(root.path + "/blobs/sha256/" + std::string(64, 'a')));
  CHECK(store.Remove(Id('a')).ok());  // idempotent

  Result<std::string> tmp = store.MakeTempDir("pull");
  REQUIRE(tmp.ok());
  std::ofstream(*tmp + "/partial") << "x";
  std::ofstream(root.path + "/blobs/sha256/" + std::string(64, 'f')) << "orphan";
  ImageStore again(root.path);
  REQUIRE(again.Init().ok());
  StoreRecovery loaded = again.Load();
  CHECK(loaded.removed.size() == 2);
  CHECK_FALSE(fs::exists(*tmp));
}

}  // namespace
}  // namespace cria::image::store

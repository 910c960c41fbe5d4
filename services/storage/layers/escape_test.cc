// Layers that try to write or link outside their root. Whatever they say, nothing may
// appear or change outside the root.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "libs/status/status.h"
#include "services/storage/layers/apply.h"
#include "services/storage/layers/tar_writer.h"
#include "services/storage/layers/test_tree.h"

namespace cria::storage::layers {
namespace {

namespace fs = std::filesystem;
using Catch::Contains;
using testing::Manifest;
using testing::Output;
using testing::Run;
using testing::StatOf;
using testing::TarWriter;
using testing::TempDir;
using testing::WriteFile;

// The identity of a host file: any write, replacement or new link changes one of these.
std::string Identity(const std::string& path) {
  struct stat st = StatOf(path);
  return std::to_string(st.st_ino) + " " + std::to_string(st.st_nlink) + " " +
         std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec);
}

// A sentinel directory with the layer root three levels down (sentinel/r1/r2/root), so a
// name that climbs out by one, two or three levels would land in a watched directory.
class Sandbox {
 public:
  Sandbox() : root_(tmp_.path() + "/r1/r2/root"), blob_(tmp_.path() + "/r1/layer") {
    fs::create_directories(root_);
    REQUIRE(WriteFile(tmp_.path() + "/r1/r2/etc-passwd-lookalike", "untouched"));
    outside_ = Manifest(tmp_.path(), "r1/r2/root");
    passwd_ = Identity("/etc/passwd");
    shadow_ = Identity("/etc/shadow");
  }

  const std::string& root() const { return root_; }
  const std::string& blob() const { return blob_; }
  const std::string& sentinel() const { return tmp_.path(); }

  Result<ApplyResult> Apply(const std::string& tar, const ApplyOptions& options = {}) {
    REQUIRE(WriteFile(blob_, tar));
    // The blob itself sits outside the root: take it out of the "before" picture.
    outside_ = Manifest(tmp_.path(), "r1/r2/root");
    return ApplyLayer(blob_, root_, options);
  }

  void CheckNothingEscaped() {
    CHECK(Manifest(tmp_.path(), "r1/r2/root") == outside_);
    for (const char* path : {"/etc/passwd", "/r1/etc/passwd", "/r1/r2/etc/passwd", "/pwned",
                             "/r1/pwned", "/r1/r2/pwned", "/etc/shadow", "/hard"}) {
      INFO(path);
      CHECK_FALSE(fs::exists(fs::symlink_status(sentinel() + path)));
    }
    CHECK(Identity("/etc/passwd") == passwd_);
    CHECK(Identity("/etc/shadow") == shadow_);
    CHECK_FALSE(fs::exists("/pwned"));
  }

 private:
  TempDir tmp_;
  std::string root_;
  std::string blob_;
  std::map<std::string, std::string> outside_;
  std::string passwd_;
  std::string shadow_;
};

std::string Cat(const std::string& path) { return Output("cat '" + path + "'"); }

TEST_CASE("Names that climb out or are absolute are clamped inside the root", "[escape]") {
  Sandbox box;
  TarWriter tar;
  std::string name =
      GENERATE(std::string("../../etc/passwd"), std::string("/etc/passwd"),
               std::string("../../../../../../etc/passwd"), std::string("./etc/../../etc/passwd"));
  INFO(name);
  tar.AddFile(name, "root::0:0::/:/bin/sh\n");
  Result<ApplyResult> result = box.Apply(tar.Finish());
  REQUIRE(result.ok());
  CHECK(Cat(box.root() + "/etc/passwd") == "root::0:0::/:/bin/sh");
  box.CheckNothingEscaped();
}

TEST_CASE("A symlink to / is followed inside the root", "[escape]") {
  Sandbox box;
  TarWriter tar;
  tar.AddSymlink("x", "/");
  tar.AddFile("x/etc/passwd", "evil\n");
  tar.AddDirectory("x/../../pwned/");
  REQUIRE(box.Apply(tar.Finish()).ok());
  CHECK(fs::read_symlink(box.root() + "/x") == "/");
  CHECK(Cat(box.root() + "/etc/passwd") == "evil");
  CHECK(fs::is_directory(box.root() + "/pwned"));
  box.CheckNothingEscaped();
}

TEST_CASE("A relative symlink climbing out is followed inside the root", "[escape]") {
  Sandbox box;
  TarWriter tar;
  tar.AddSymlink("a", "../../..");
  tar.AddFile("a/pwned", "evil\n");
  tar.AddSymlink("b", "../../../etc");
  tar.AddFile("b/passwd", "evil\n");  // A dangling symlink: its target is made inside.
  tar.AddSymlink("c", "../c2/../../../..");
  tar.AddSymlink("c2", "c");
  tar.AddFile("c/pwned2", "evil\n");  // A symlink loop is an error, not an escape.
  Result<ApplyResult> result = box.Apply(tar.Finish());
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(MessageOf(result.status()), Contains("entry c/pwned2"));
  CHECK(Cat(box.root() + "/pwned") == "evil");
  CHECK(Cat(box.root() + "/etc/passwd") == "evil");
  box.CheckNothingEscaped();
}

TEST_CASE("Hardlinks to files outside the root are refused", "[escape]") {
  Sandbox box;
  TarWriter tar;
  std::string target = GENERATE(std::string("/etc/shadow"), std::string("../../etc/shadow"),
                                std::string("x/etc/shadow"), std::string("etc"));
  INFO(target);
  tar.AddSymlink("x", "/");
  tar.AddDirectory("etc/");
  tar.AddHardlink("hard", target);
  Result<ApplyResult> result = box.Apply(tar.Finish());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(result.status()),
             Contains("layer " + box.blob() + ": entry hard: hardlink target " + target));
  CHECK_FALSE(fs::exists(fs::symlink_status(box.root() + "/hard")));
  box.CheckNothingEscaped();
}

TEST_CASE("A hardlink to a file of the layer is made", "[escape]") {
  Sandbox box;
  TarWriter tar;
  tar.AddFile("etc/shadow", "layer's own\n");
  tar.AddHardlink("/hard", "/../etc/shadow");
  REQUIRE(box.Apply(tar.Finish()).ok());
  CHECK(StatOf(box.root() + "/hard").st_ino == StatOf(box.root() + "/etc/shadow").st_ino);
  box.CheckNothingEscaped();
}

TEST_CASE("Names over the kernel's limits are refused", "[escape]") {
  Sandbox box;
  TarWriter tar;
  std::string name;
  SECTION("5000 bytes in short components") {
    while (name.size() < 5000) name += std::string(99, 'n') + "/";
    name.resize(5000);
  }
  SECTION("5000 bytes in one component") { name = std::string(5000, 'n'); }
  SECTION("a component of 256 bytes") { name = "dir/" + std::string(256, 'n'); }
  tar.AddFile(name, "long\n");
  Result<ApplyResult> result = box.Apply(tar.Finish());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(result.status()),
             Contains("entry " + name.substr(0, 100)) && Contains("over the limit"));
  CHECK(Manifest(box.root()).size() == 1);  // The root alone.
  box.CheckNothingEscaped();
}

TEST_CASE("Truncated and corrupt compressed streams fail naming the blob", "[escape]") {
  TempDir tmp;
  std::string src = tmp.path() + "/src", tar = tmp.path() + "/layer.tar";
  fs::create_directories(src);
  REQUIRE(Run("head -c 3000000 /dev/urandom > " + src + "/random") == 0);
  REQUIRE(WriteFile(src + "/text", std::string(1000000, 't')));
  REQUIRE(Run("tar --numeric-owner -C " + src + " -cf " + tar + " random text") == 0);
  REQUIRE(Run("gzip -k " + tar + " && zstd -q -k " + tar) == 0);

  struct Case {
    std::string command;  // Makes `bad` from the good blobs.
    std::string expected;
  };
  std::string bad = tmp.path() + "/bad";
  const Case cases[] = {
      Case{"head -c 1500000 " + tar + ".gz > " + bad, "gzip stream is truncated"},
      Case{"head -c $(($(stat -c %s " + tar + ".gz) - 4)) " + tar + ".gz > " + bad,
           "gzip stream is truncated"},
      Case{"head -c 1500000 " + tar + ".zst > " + bad, "zstd stream is truncated"},
      Case{"head -c $(($(stat -c %s " + tar + ".zst) - 3)) " + tar + ".zst > " + bad,
           "zstd stream is truncated"},
      // Garbage early: the tar headers that come out may break first; any clear error.
      Case{"cp " + tar + ".gz " + bad + " && printf 'garbage!' | dd of=" + bad +
               " bs=1 seek=100 conv=notrunc status=none",
           ""},
      Case{"cp " + tar + ".zst " + bad + " && printf 'garbage!' | dd of=" + bad +
               " bs=1 seek=100 conv=notrunc status=none",
           ""},
      // Garbage in the middle of the random file: only the checksums can tell.
      Case{"cp " + tar + ".gz " + bad + " && printf 'garbage!' | dd of=" + bad +
               " bs=1 seek=$(($(stat -c %s " + bad + ") / 2)) conv=notrunc status=none",
           "gzip stream is corrupt"},
      Case{"cp " + tar + ".zst " + bad + " && printf 'garbage!' | dd of=" + bad +
               " bs=1 seek=$(($(stat -c %s " + bad + ") / 2)) conv=notrunc status=none",
           "zstd stream is corrupt"}};
  // Each generated value reruns the test case with a fresh TempDir: pick by index.
  const Case& c = cases[GENERATE(range(0, 8))];
  INFO(c.command);
  REQUIRE(Run(c.command) == 0);
  std::string root = tmp.path() + "/root";
  fs::create_directory(root);
  Result<ApplyResult> result = ApplyLayer(bad, root, {});
  REQUIRE_FALSE(result.ok());
  CHECK((result.status().code() == StatusCode::kDataLoss ||
         result.status().code() == StatusCode::kInvalidArgument));
  CHECK_THAT(MessageOf(result.status()), Contains("layer " + bad + ": " + c.expected));
  fs::remove_all(root);
}

TEST_CASE("A wrong diffID fails with both digests", "[escape][digest]") {
  Sandbox box;
  TarWriter tar;
  tar.AddFile("f", "content\n");
  std::string content = tar.Finish();
  ApplyOptions options;
  options.expected_diff_id = "sha256:" + std::string(64, '0');
  Result<ApplyResult> result = box.Apply(content, options);
  REQUIRE_FALSE(result.ok());
  std::string actual = "sha256:" + Output("sha256sum < " + box.blob() + " | cut -d' ' -f1");
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(result.status()) == "layer " + box.blob() + ": diffID " + actual +
                                          " does not match the expected " +
                                          options.expected_diff_id);
  box.CheckNothingEscaped();
}

}  // namespace
}  // namespace cria::storage::layers

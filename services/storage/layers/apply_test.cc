#include "services/storage/layers/apply.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "libs/status/status.h"
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

// A v2 security.capability value granting cap_net_raw (bit 13) permitted+effective.
const std::string kCapability(
    "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00",
    20);

void SetMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// A source tree with every kind of entry a layer carries.
void BuildSourceTree(const std::string& src) {
  fs::create_directories(src + "/a/b/c");
  fs::create_directories(src + "/other/dir");
  REQUIRE(WriteFile(src + "/a/b/c/file.txt", "nested file\n"));
  REQUIRE(WriteFile(src + "/top.txt", std::string(100000, 'x')));
  REQUIRE(WriteFile(src + "/other/dir/target", "linked twice\n"));
  REQUIRE(link((src + "/other/dir/target").c_str(), (src + "/a/hard").c_str()) == 0);
  fs::create_symlink("a/b/c/file.txt", src + "/link");
  fs::create_symlink("/does/not/exist", src + "/a/dangling");
  REQUIRE(mkfifo((src + "/a/fifo").c_str(), 0640) == 0);
  REQUIRE(mknod((src + "/a/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  REQUIRE(WriteFile(src + "/a/suid", "#!/bin/sh\n"));
  REQUIRE(chmod((src + "/a/suid").c_str(), 04755) == 0);
  REQUIRE(WriteFile(src + "/a/owned", "mine\n"));
  REQUIRE(chown((src + "/a/owned").c_str(), 1000, 1000) == 0);
  REQUIRE(lchown((src + "/link").c_str(), 1000, 1000) == 0);
  REQUIRE(chown((src + "/a/b").c_str(), 1000, 1000) == 0);
  REQUIRE(chmod((src + "/a/b").c_str(), 02775) == 0);
  REQUIRE(chmod((src + "/other").c_str(), 01777) == 0);
  REQUIRE(WriteFile(src + "/a/xattrs", "attributes\n"));
  REQUIRE(setxattr((src + "/a/xattrs").c_str(), "user.test", "v1", 2, 0) == 0);
  REQUIRE(setxattr((src + "/a/xattrs").c_str(), "security.capability", kCapability.data(),
                   kCapability.size(), 0) == 0);
  for (const char* path : {"/a/b/c/file.txt", "/top.txt", "/other/dir/target", "/a/fifo", "/a/null",
                           "/a/suid", "/a/owned", "/a/xattrs", "/link", "/a/dangling", "/a/b/c",
                           "/a/b", "/a", "/other/dir", "/other", ""}) {
    SetMtime(src + path, 1600000000 + static_cast<time_t>(std::string(path).size()));
  }
}

std::string Sha256Of(const std::string& path) {
  return "sha256:" + Output("sha256sum < '" + path + "' | cut -d' ' -f1");
}

TEST_CASE("ApplyLayer reproduces a layer built by GNU tar", "[apply]") {
  TempDir tmp;
  std::string src = tmp.path() + "/src", root = tmp.path() + "/root";
  std::string blob = tmp.path() + "/layer.tar";
  BuildSourceTree(src);
  fs::create_directory(root);
  REQUIRE(Run("tar --xattrs --xattrs-include='*' --numeric-owner -C " + src + " -cf " + blob +
              " .") == 0);

  Result<ApplyResult> result = ApplyLayer(blob, root, {});
  REQUIRE(result.ok());
  CHECK(result->diff_id == Sha256Of(blob));
  CHECK(result->uncompressed_size == fs::file_size(blob));
  CHECK(result->entries == 17);  // "./" and 16 paths.

  auto expected = Manifest(src);
  auto actual = Manifest(root);
  CHECK(actual == expected);
  for (const auto& [path, line] : expected) {
    INFO(path);
    CHECK(actual[path] == line);
  }
  CHECK(StatOf(root + "/a/hard").st_ino == StatOf(root + "/other/dir/target").st_ino);
  CHECK((StatOf(root + "/a/suid").st_mode & 07777) == 04755);
  CHECK(StatOf(root + "/a/owned").st_uid == 1000);
  CHECK(S_ISFIFO(StatOf(root + "/a/fifo").st_mode));
  CHECK(StatOf(root + "/a/null").st_rdev == makedev(1, 3));
  char value[64];
  CHECK(getxattr((root + "/a/xattrs").c_str(), "user.test", value, sizeof(value)) == 2);
  CHECK(getxattr((root + "/a/xattrs").c_str(), "security.capability", value, sizeof(value)) ==
        static_cast<ssize_t>(kCapability.size()));

  SECTION("applying the same layer again over it gives the same tree") {
    REQUIRE(ApplyLayer(blob, root, {}).ok());
    CHECK(Manifest(root) == expected);
  }
}

// Found by tools/fuzz/run: a cut-off pax header makes libarchive fail without a message
// (archive_error_string is NULL), and building the error from it crashed cria-storage.
TEST_CASE("A header libarchive rejects without a message is InvalidArgument", "[apply]") {
  TempDir dir;
  const std::string root = dir.path() + "/root";
  fs::create_directories(root);
  Result<ApplyResult> result =
      ApplyLayer("services/storage/layers/testdata/pax-header-no-error-text.tar", root, {});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(result.status()), Contains("read tar header: "));
}

TEST_CASE("The diffID is the sha256 of the uncompressed tar for plain, gzip and zstd",
          "[apply][digest]") {
  TempDir tmp;
  std::string src = tmp.path() + "/src";
  std::string tar = tmp.path() + "/layer.tar";
  fs::create_directories(src + "/d");
  REQUIRE(WriteFile(src + "/d/f", std::string(300000, 'y')));
  REQUIRE(Run("head -c 200000 /dev/urandom > " + src + "/random") == 0);
  REQUIRE(Run("tar --numeric-owner -C " + src + " -cf " + tar + " .") == 0);
  REQUIRE(Run("gzip -k " + tar + " && zstd -q -k " + tar) == 0);
  // Two gzip members back to back are one stream to gzip -d.
  REQUIRE(Run("head -c 100000 " + tar + " | gzip > " + tmp.path() + "/two.gz && tail -c +100001 " +
              tar + " | gzip >> " + tmp.path() + "/two.gz") == 0);
  std::string expected = Sha256Of(tar);

  for (const std::string& blob : {tar, tar + ".gz", tar + ".zst", tmp.path() + "/two.gz"}) {
    INFO(blob);
    std::string root = blob + ".root";
    fs::create_directory(root);
    ApplyOptions options;
    options.expected_diff_id = expected;
    Result<ApplyResult> result = ApplyLayer(blob, root, options);
    REQUIRE(result.ok());
    CHECK(result->diff_id == expected);
    CHECK(result->uncompressed_size == fs::file_size(tar));
    CHECK(Output("cmp " + src + "/random " + root + "/random && echo same") == "same");
    CHECK(fs::file_size(root + "/d/f") == 300000);
  }
}

TEST_CASE("Sparse files keep their holes, beyond 4 GiB too", "[apply][sparse]") {
  TempDir tmp;
  std::string src = tmp.path() + "/src", root = tmp.path() + "/root";
  std::string blob = tmp.path() + "/layer.tar.gz";
  fs::create_directories(src);
  fs::create_directory(root);
  REQUIRE(Run("truncate -s 1M " + src + "/small && printf middle | dd of=" + src +
              "/small bs=1 seek=500000 conv=notrunc status=none") == 0);
  REQUIRE(Run("truncate -s 5G " + src + "/big && printf tail-bytes | dd of=" + src +
              "/big bs=1 seek=5000000000 conv=notrunc status=none") == 0);
  REQUIRE(Run("tar -S --numeric-owner -C " + src + " -czf " + blob + " .") == 0);

  Result<ApplyResult> result = ApplyLayer(blob, root, {});
  REQUIRE(result.ok());
  struct stat small = StatOf(root + "/small"), big = StatOf(root + "/big");
  CHECK(small.st_size == 1024 * 1024);
  CHECK(big.st_size == 5LL * 1024 * 1024 * 1024);
  CHECK(small.st_blocks <= 64);  // 512-byte blocks: a page or a few, not 1 MiB.
  CHECK(big.st_blocks <= 64);
  CHECK(Output("dd if=" + root + "/small bs=1 skip=500000 count=6 status=none") == "middle");
  CHECK(Output("dd if=" + root + "/big bs=1 skip=5000000000 count=10 status=none") == "tail-bytes");
  CHECK(Output("dd if=" + root + "/big bs=1 skip=4999999990 count=10 status=none | tr -d '\\0'")
            .empty());
}

std::string Xattr(const std::string& path, const char* name) {
  char value[256];
  ssize_t n = lgetxattr(path.c_str(), name, value, sizeof(value));
  return n < 0 ? "<none>" : std::string(value, static_cast<size_t>(n));
}

bool AnyWhiteoutName(const std::string& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename().string().rfind(".wh.", 0) == 0) return true;
  }
  return false;
}

TEST_CASE("Whiteouts become overlay whiteouts", "[apply][whiteout]") {
  TempDir tmp;
  std::string root = tmp.path() + "/root", blob = tmp.path() + "/layer.tar";
  fs::create_directory(root);
  TarWriter tar;
  tar.AddDirectory("d/");
  tar.AddFile("d/gone", "created then whited out in the same layer");
  tar.AddFile("d/.wh.gone", "");
  tar.AddFile("deep/er/.wh.missing", "");  // Parents not listed: created.
  tar.AddDirectory("e/");
  tar.AddFile("e/.wh..wh..opq", "");
  tar.AddFile("e/new", "new\n");
  REQUIRE(WriteFile(blob, tar.Finish()));

  Result<ApplyResult> result = ApplyLayer(blob, root, {});
  REQUIRE(result.ok());
  CHECK(result->entries == 7);
  struct stat gone = StatOf(root + "/d/gone");
  CHECK(S_ISCHR(gone.st_mode));
  CHECK(gone.st_rdev == makedev(0, 0));
  CHECK(S_ISCHR(StatOf(root + "/deep/er/missing").st_mode));
  CHECK(Xattr(root + "/e", "trusted.overlay.opaque") == "y");
  CHECK(Xattr(root + "/d", "trusted.overlay.opaque") == "<none>");
  CHECK(fs::exists(root + "/e/new"));
  CHECK_FALSE(AnyWhiteoutName(root));
}

TEST_CASE("Whiteouts become deletions in kDelete mode", "[apply][whiteout]") {
  TempDir tmp;
  std::string root = tmp.path() + "/root", blob = tmp.path() + "/layer.tar";
  // The parent layers, already copied into root (as the vfs driver does).
  fs::create_directories(root + "/d/gone/sub");
  REQUIRE(WriteFile(root + "/d/gone/sub/file", "old"));
  REQUIRE(WriteFile(root + "/d/keep", "old"));
  fs::create_directories(root + "/e/olddir/x");
  REQUIRE(WriteFile(root + "/e/old1", "old"));
  REQUIRE(WriteFile(root + "/e/replaced", "old"));
  fs::create_symlink("/", root + "/e/oldlink");
  fs::create_directories(root + "/f");
  REQUIRE(WriteFile(root + "/f/kept", "old"));

  TarWriter tar;
  tar.AddFile("d/.wh.gone", "");
  tar.AddFile("d/.wh.never-existed", "");
  tar.AddFile("nodir/.wh.x", "");  // Its directory does not exist: nothing to delete.
  tar.AddDirectory("e/");
  tar.AddFile("e/new", "new");
  tar.AddFile("e/replaced", "new");
  tar.AddFile("e/.wh..wh..opq", "");
  tar.AddFile("e/after", "after");
  REQUIRE(WriteFile(blob, tar.Finish()));

  ApplyOptions options;
  options.whiteouts = WhiteoutMode::kDelete;
  Result<ApplyResult> result = ApplyLayer(blob, root, options);
  REQUIRE(result.ok());
  CHECK_FALSE(fs::exists(root + "/d/gone"));
  CHECK(fs::exists(root + "/d/keep"));
  CHECK_FALSE(fs::exists(root + "/nodir"));
  CHECK_FALSE(fs::exists(root + "/e/old1"));
  CHECK_FALSE(fs::exists(root + "/e/olddir"));
  CHECK_FALSE(fs::is_symlink(root + "/e/oldlink"));
  CHECK(testing::Output("cat " + root + "/e/new") == "new");
  CHECK(testing::Output("cat " + root + "/e/replaced") == "new");
  CHECK(fs::exists(root + "/e/after"));
  CHECK(fs::exists(root + "/f/kept"));
  CHECK(Xattr(root + "/e", "trusted.overlay.opaque") == "<none>");
  CHECK_FALSE(AnyWhiteoutName(root));
  CHECK_FALSE(S_ISCHR(StatOf(root + "/d/gone").st_mode));
}

TEST_CASE("Writes through a layer's own absolute symlink land inside the root", "[apply]") {
  TempDir tmp;
  std::string root = tmp.path() + "/root", blob = tmp.path() + "/layer.tar";
  fs::create_directory(root);
  TarWriter tar;
  tar.AddDirectory("var/");
  tar.AddSymlink("var/run", "/run");
  tar.AddFile("var/run/x", "pid\n");
  tar.AddDirectory("var/run/sub/");
  REQUIRE(WriteFile(blob, tar.Finish()));

  REQUIRE(ApplyLayer(blob, root, {}).ok());
  CHECK(fs::is_symlink(root + "/var/run"));
  CHECK(fs::read_symlink(root + "/var/run") == "/run");
  CHECK(Output("cat " + root + "/run/x") == "pid");
  CHECK(fs::is_directory(root + "/run/sub"));
}

TEST_CASE("Device nodes are refused when the store does not allow them", "[apply]") {
  TempDir tmp;
  std::string src = tmp.path() + "/src", root = tmp.path() + "/root";
  std::string blob = tmp.path() + "/layer.tar";
  fs::create_directories(src + "/dev");
  fs::create_directory(root);
  REQUIRE(mknod((src + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  REQUIRE(mkfifo((src + "/dev/fifo").c_str(), 0600) == 0);
  REQUIRE(Run("tar --numeric-owner -C " + src + " -cf " + blob + " dev/fifo dev/null") == 0);

  ApplyOptions options;
  options.allow_devices = false;
  Result<ApplyResult> result = ApplyLayer(blob, root, options);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(result.status()), Contains("entry dev/null") && Contains(blob));
  CHECK(S_ISFIFO(StatOf(root + "/dev/fifo").st_mode));  // Fifos are not devices.
  CHECK_FALSE(fs::exists(root + "/dev/null"));
}

}  // namespace
}  // namespace cria::storage::layers

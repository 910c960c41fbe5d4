// Tests of the local transports: names parse, images built by the test image builder
// round-trip through oci:, oci-archive: and docker-archive:, and bad input is refused with
// the right code.
#include "services/image/transport/local_source.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "libs/digest/digest.h"
#include "services/image/manifest/platform.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_layout.h"
#include "services/image/testing/layer_tar.h"

namespace cria::image::transport {
namespace {

namespace fs = std::filesystem;
namespace t = cria::image::testing;
using digest::Sha256Digest;
using registry::testing::ReadFile;
using registry::testing::TempDir;
using registry::testing::WriteFile;

TransportRef Parse(const std::string& text) {
  auto parsed = ParseTransport(text);
  INFO(text << ": " << MessageOf(parsed.status()));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  return **parsed;
}

Result<LocalImage> Open(const std::string& text, const std::string& work_dir) {
  return OpenLocalImage(Parse(text), work_dir);
}

LocalImage OpenOk(const std::string& text, const std::string& work_dir) {
  auto image = Open(text, work_dir);
  INFO(text << ": " << MessageOf(image.status()));
  REQUIRE(image.ok());
  return *std::move(image);
}

void RequireError(const Result<LocalImage>& image, StatusCode code, const std::string& needle) {
  INFO(MessageOf(image.status()));
  REQUIRE_FALSE(image.ok());
  CHECK(image.status().code() == code);
  CHECK(MessageOf(image.status()).find(needle) != std::string::npos);
}

t::BuiltImage BuildImage(std::vector<std::string> cmd, bool with_zstd = false) {
  t::ImageSpec spec;
  spec.layers.push_back(t::BusyboxLayer());
  if (with_zstd) {
    t::LayerSpec extra;
    extra.compression = t::Compression::kZstd;
    extra.File("hello.txt", "hello\n");
    spec.layers.push_back(extra);
  }
  spec.cmd = std::move(cmd);
  auto image = t::Build(spec);
  INFO(MessageOf(image.status()));
  REQUIRE(image.ok());
  return *std::move(image);
}

// The opened image is `built`: same manifest, config and verified layer files.
void CheckSame(const LocalImage& image, const t::BuiltImage& built) {
  CHECK(image.manifest_digest == built.manifest_digest);
  CHECK(image.manifest_body == built.manifest_body);
  CHECK(image.config_body == built.config_body);
  CHECK(image.config.cmd == manifest::ParseConfig(built.config_body)->cmd);
  REQUIRE(image.layer_paths.size() == built.layer_digests.size());
  for (size_t i = 0; i < image.layer_paths.size(); ++i) {
    CHECK(fs::path(image.layer_paths[i]).is_absolute());
    CHECK(Sha256Digest(ReadFile(image.layer_paths[i])) == built.layer_digests[i]);
    CHECK(image.manifest.layers[i].digest == built.layer_digests[i]);
  }
}

bool IsEmptyDir(const std::string& dir) { return fs::is_empty(dir); }

TEST_CASE("ParseTransport recognises the local transports", "[transport]") {
  for (const char* registry_name :
       {"busybox", "docker.io/library/busybox:latest", "localhost:5000/x", "docker://busybox"}) {
    auto parsed = ParseTransport(registry_name);
    REQUIRE(parsed.ok());
    CHECK_FALSE(parsed->has_value());
  }
  TransportRef oci = Parse("oci:/a/b");
  CHECK(oci.kind == TransportKind::kOciLayout);
  CHECK(oci.path == "/a/b");
  CHECK(oci.ref.empty());
  CHECK(oci.String() == "oci:/a/b");

  TransportRef tagged = Parse("oci:/a/./b/:example.com/app:v1");
  CHECK(tagged.path == "/a/b");
  CHECK(tagged.ref == "example.com/app:v1");
  CHECK(tagged.String() == "oci:/a/b:example.com/app:v1");

  TransportRef archive = Parse("oci-archive:/x/image.tar:latest");
  CHECK(archive.kind == TransportKind::kOciArchive);
  CHECK(archive.ref == "latest");

  TransportRef docker = Parse("docker-archive:/x.tar:busybox:1.36");
  CHECK(docker.kind == TransportKind::kDockerArchive);
  CHECK(docker.path == "/x.tar");
  CHECK(docker.ref == "busybox:1.36");
  CHECK_FALSE(docker.index.has_value());

  TransportRef indexed = Parse("docker-archive:/x.tar:@2");
  CHECK(indexed.index == 2);
  CHECK(indexed.ref.empty());
  CHECK(indexed.String() == "docker-archive:/x.tar:@2");

  for (const char* bad :
       {"oci:", "oci::v1", "oci:relative/dir", "oci-archive:x.tar",
        "docker-archive:", "oci:/a:bad ref", "docker-archive:/x.tar:@", "docker-archive:/x.tar:@-1",
        "docker-archive:/x.tar:@1x", "docker-archive:/x.tar:-bad",
        "docker-archive:/x.tar:busybox@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000000"}) {
    auto parsed = ParseTransport(bad);
    INFO(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    CHECK(MessageOf(parsed.status()).find(bad) != std::string::npos);
  }
}

TEST_CASE("oci: layouts round-trip and select by ref", "[transport]") {
  TempDir dir;
  const std::string layout = dir.path() + "/layout";
  const std::string work = dir.path() + "/work";
  t::BuiltImage one = BuildImage({"/bin/echo", "one"}, true);
  t::BuiltImage two = BuildImage({"/bin/echo", "two"});
  REQUIRE(t::WriteOciLayout(layout, one, "example.com/app:v1").ok());

  LocalImage image = OpenOk("oci:" + layout, work);
  CheckSame(image, one);
  CHECK(image.names == std::vector<std::string>{"example.com/app:v1"});
  CHECK(image.scratch.path().empty());
  for (const std::string& path : image.layer_paths) CHECK(path.rfind(layout, 0) == 0);
  CHECK(image.manifest.layers[1].media_type == manifest::kOciLayerZstd);

  REQUIRE(t::WriteOciLayout(layout, two, "v2").ok());
  LocalImage second = OpenOk("oci:" + layout + ":v2", work);
  CheckSame(second, two);
  CHECK(second.names.empty());  // "v2" is a tag, not an image name
  CheckSame(OpenOk("oci:" + layout + ":example.com/app:v1", work), one);

  RequireError(Open("oci:" + layout + ":v3", work), StatusCode::kNotFound, "\"v3\"");
  RequireError(Open("oci:" + layout, work), StatusCode::kInvalidArgument, "holds 2 images");
  CHECK_FALSE(fs::exists(work));  // oci: never needs scratch space
}

TEST_CASE("oci: index entries resolve to the host platform", "[transport]") {
  TempDir dir;
  t::BuiltImage host = BuildImage({"/bin/true"});
  t::ImageSpec other_spec;
  other_spec.layers.push_back(t::LayerSpec().File("fake", "not really arm\n"));
  const bool host_is_arm = manifest::HostPlatform().architecture == "arm64";
  other_spec.architecture = host_is_arm ? "amd64" : "arm64";
  auto other = t::Build(other_spec);
  REQUIRE(other.ok());
  auto index = t::BuildIndex({{manifest::Platform{"linux", other_spec.architecture, ""}, *other},
                              {manifest::HostPlatform(), host}});
  REQUIRE(index.ok());
  REQUIRE(t::WriteOciLayout(dir.path() + "/layout", *index, "busybox:multi").ok());
  LocalImage image = OpenOk("oci:" + dir.path() + "/layout", dir.path() + "/work");
  CheckSame(image, host);
  CHECK(image.names == std::vector<std::string>{"docker.io/library/busybox:multi"});
}

TEST_CASE("oci-archive: round-trips and cleans up", "[transport]") {
  TempDir dir;
  const std::string work = dir.path() + "/work";
  t::BuiltImage built = BuildImage({"/bin/sh"}, true);
  const std::string path = dir.path() + "/image.tar";
  REQUIRE(t::WriteOciArchive(path, built, "registry.example:5000/team/app:1.0").ok());
  std::string scratch;
  {
    LocalImage image = OpenOk("oci-archive:" + path, work);
    CheckSame(image, built);
    CHECK(image.names == std::vector<std::string>{"registry.example:5000/team/app:1.0"});
    scratch = image.scratch.path();
    CHECK(scratch.rfind(fs::absolute(work).string() + "/local-", 0) == 0);
    for (const std::string& layer : image.layer_paths) CHECK(layer.rfind(scratch, 0) == 0);
    LocalImage moved = std::move(image);
    CHECK(fs::exists(scratch));
    CHECK(moved.scratch.path() == scratch);
  }
  CHECK_FALSE(fs::exists(scratch));
  CHECK(IsEmptyDir(work));

  // A gzip-compressed archive works too (tar -z of the same layout).
  const std::string gz = dir.path() + "/image.tar.gz";
  REQUIRE(registry::testing::RunAndWait({"/bin/sh", "-c", "gzip -c '" + path + "' > '" + gz + "'"},
                                        dir.path() + "/gzip.log") == 0);
  CheckSame(OpenOk("oci-archive:" + gz + ":registry.example:5000/team/app:1.0", work), built);

  RequireError(Open("oci-archive:" + path + ":other", work), StatusCode::kNotFound, "\"other\"");
  CHECK(IsEmptyDir(work));  // the scratch dir goes on error too
}

TEST_CASE("docker-archive: round-trips with names and selection", "[transport]") {
  TempDir dir;
  const std::string work = dir.path() + "/work";
  t::BuiltImage built = BuildImage({"/bin/echo", "hi"}, true);
  const std::string path = dir.path() + "/docker.tar";
  REQUIRE(t::WriteDockerArchive(path, built, {"example.com/app:v1", "busybox:1.36"}).ok());

  LocalImage image = OpenOk("docker-archive:" + path, work);
  CHECK(image.config_body == built.config_body);
  CHECK(image.names ==
        std::vector<std::string>{"example.com/app:v1", "docker.io/library/busybox:1.36"});
  REQUIRE(image.layer_paths.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    // docker save stores layers uncompressed: the blob is the diffID.
    CHECK(image.manifest.layers[i].digest == built.diff_ids[i]);
    CHECK(image.manifest.layers[i].media_type == manifest::kOciLayerTar);
    CHECK(Sha256Digest(ReadFile(image.layer_paths[i])) == built.diff_ids[i]);
  }
  CHECK(image.manifest.config.digest == built.config_digest);
  CHECK(image.manifest_digest == Sha256Digest(image.manifest_body));
  auto reparsed = manifest::ParseManifestOrIndex(image.manifest_body, "");
  REQUIRE(reparsed.ok());

  CHECK(OpenOk("docker-archive:" + path + ":busybox:1.36", work).config_body == built.config_body);
  CHECK(OpenOk("docker-archive:" + path + ":docker.io/library/busybox:1.36", work).names.size() ==
        2);
  CHECK(OpenOk("docker-archive:" + path + ":@0", work).config_body == built.config_body);
  RequireError(Open("docker-archive:" + path + ":nope:1", work), StatusCode::kNotFound,
               "\"nope:1\"");
  RequireError(Open("docker-archive:" + path + ":@1", work), StatusCode::kNotFound, "@1");
  CHECK_FALSE(IsEmptyDir(work));  // `image` still holds its unpacked tree
  image = LocalImage();           // move-assignment releases it
  CHECK(IsEmptyDir(work));
}

TEST_CASE("missing files are NotFound naming them", "[transport]") {
  TempDir dir;
  const std::string work = dir.path() + "/work";
  const std::string missing = dir.path() + "/missing.tar";
  RequireError(Open("oci-archive:" + missing, work), StatusCode::kNotFound, missing);
  RequireError(Open("docker-archive:" + missing, work), StatusCode::kNotFound, missing);
  RequireError(Open("oci:" + dir.path() + "/nolayout", work), StatusCode::kNotFound,
               dir.path() + "/nolayout/oci-layout");
  // A layout whose manifest blob is gone.
  t::BuiltImage built = BuildImage({"/bin/true"});
  const std::string layout = dir.path() + "/layout";
  REQUIRE(t::WriteOciLayout(layout, built, "").ok());
  const std::string blob = layout + "/blobs/sha256/" + t::HexOf(built.manifest_digest);
  fs::remove(blob);
  RequireError(Open("oci:" + layout, work), StatusCode::kNotFound, blob);
  // A docker-archive whose manifest.json names a layer it lacks.
  const std::string tree = dir.path() + "/tree";
  fs::create_directories(tree);
  WriteFile(tree + "/manifest.json",
            "[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[\"l/layer.tar\"]}]");
  WriteFile(tree + "/c.json", built.config_body);
  auto spec = t::SpecOfDirectory(tree);
  REQUIRE(spec.ok());
  REQUIRE(t::WriteLayerFile(*spec, dir.path() + "/nolayer.tar").ok());
  RequireError(Open("docker-archive:" + dir.path() + "/nolayer.tar", work), StatusCode::kNotFound,
               "l/layer.tar");
}

TEST_CASE("unsafe archive entries are refused", "[transport]") {
  struct Case {
    t::LayerSpec spec;
    std::string entry;
  };
  std::vector<Case> cases;
  cases.push_back({t::LayerSpec().File("oci-layout", "{}").File("../x", "escape"), "../x"});
  cases.push_back({t::LayerSpec().File("a/../../x", "escape"), "a/../../x"});
  cases.push_back({t::LayerSpec().File("/abs", "escape"), "/abs"});
  cases.push_back({t::LayerSpec().Symlink("blobs", "/etc"), "blobs"});
  cases.push_back({t::LayerSpec().File("a", "x").Hardlink("b", "a"), "\"b\""});
  TempDir dir;
  const std::string work = dir.path() + "/work/inner";
  for (size_t i = 0; i < cases.size(); ++i) {
    cases[i].spec.compression = t::Compression::kNone;
    const std::string path = dir.path() + "/bad" + std::to_string(i) + ".tar";
    REQUIRE(t::WriteLayerFile(cases[i].spec, path).ok());
    for (const char* transport : {"oci-archive:", "docker-archive:"}) {
      INFO(transport << " case " << i);
      RequireError(Open(transport + path, work), StatusCode::kInvalidArgument, cases[i].entry);
    }
  }
  CHECK(IsEmptyDir(work));
  CHECK_FALSE(fs::exists(dir.path() + "/work/x"));
  CHECK_FALSE(fs::exists(dir.path() + "/x"));
  CHECK_FALSE(fs::exists("/abs"));

  // Not a tar at all.
  WriteFile(dir.path() + "/junk.tar", std::string(2048, 'j'));
  RequireError(Open("oci-archive:" + dir.path() + "/junk.tar", work), StatusCode::kInvalidArgument,
               "junk.tar");
}

TEST_CASE("content that does not match its digest is DataLoss", "[transport]") {
  TempDir dir;
  const std::string work = dir.path() + "/work";
  t::BuiltImage built = BuildImage({"/bin/true"}, true);

  SECTION("a layer blob of an OCI layout") {
    const std::string layout = dir.path() + "/layout";
    REQUIRE(t::WriteOciLayout(layout, built, "v1").ok());
    const std::string blob = layout + "/blobs/sha256/" + t::HexOf(built.layer_digests[1]);
    std::string content = ReadFile(blob);
    content[content.size() / 2] ^= 0x55;
    WriteFile(blob, content);
    RequireError(Open("oci:" + layout + ":v1", work), StatusCode::kDataLoss,
                 "layer 1 (" + built.layer_digests[1] + ")");
  }
  SECTION("the config blob in an oci-archive") {
    const std::string layout = dir.path() + "/layout";
    REQUIRE(t::WriteOciLayout(layout, built, "v1").ok());
    const std::string blob = layout + "/blobs/sha256/" + t::HexOf(built.config_digest);
    WriteFile(blob, ReadFile(blob) + " ");
    auto spec = t::SpecOfDirectory(layout);
    REQUIRE(spec.ok());
    REQUIRE(t::WriteLayerFile(*spec, dir.path() + "/bad.tar").ok());
    RequireError(Open("oci-archive:" + dir.path() + "/bad.tar", work), StatusCode::kDataLoss,
                 built.config_digest);
    CHECK(IsEmptyDir(work));
  }
  SECTION("a layer of a docker-archive") {
    const std::string good = dir.path() + "/good.tar";
    REQUIRE(t::WriteDockerArchive(good, built, {"app:v1"}).ok());
    const std::string tree = dir.path() + "/tree";
    fs::create_directories(tree);
    REQUIRE(ExtractArchive(good, tree).ok());
    const std::string layer = t::HexOf(built.diff_ids[0]) + "/layer.tar";
    std::string content = ReadFile(tree + "/" + layer);
    content[600] ^= 0x01;
    WriteFile(tree + "/" + layer, content);
    auto spec = t::SpecOfDirectory(tree);
    REQUIRE(spec.ok());
    REQUIRE(t::WriteLayerFile(*spec, dir.path() + "/bad.tar").ok());
    RequireError(Open("docker-archive:" + dir.path() + "/bad.tar", work), StatusCode::kDataLoss,
                 "layer 0 (" + layer + ")");
  }
}

}  // namespace
}  // namespace cria::image::transport

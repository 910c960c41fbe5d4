// Tests of the test image builder: the images it makes parse with cria's own parsers, their
// layers hold the expected entries, digests match content, and the writers and push work.
#include "services/image/testing/image_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "libs/digest/digest.h"
#include "libs/records/json_object.h"
#include "services/image/manifest/config.h"
#include "services/image/manifest/platform.h"
#include "services/image/reference/reference.h"
#include "services/image/registry/registry_client.h"
#include "services/image/testing/image_layout.h"
#include "services/image/testing/image_push.h"
#include "services/image/testing/layer_tar.h"

namespace cria::image::testing {
namespace {

using digest::Sha256Digest;
using registry::testing::ReadFile;
using registry::testing::RunAndWait;
using registry::testing::TempDir;

struct TarEntry {
  std::string path;
  mode_t type = 0;
  int perm = 0;
  std::string symlink, hardlink;
  int64_t size = 0, uid = 0, gid = 0, mtime = 0;
  std::string content;
};

// Every entry of a (possibly compressed) tar, by path (directories without the trailing /).
std::map<std::string, TarEntry> ReadTar(const std::string& bytes) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  std::map<std::string, TarEntry> entries;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry t;
    t.path = archive_entry_pathname(e);
    if (t.path.size() > 1 && t.path.back() == '/') t.path.pop_back();  // directories
    t.type = archive_entry_filetype(e);
    t.perm = archive_entry_perm(e);
    if (archive_entry_symlink(e)) t.symlink = archive_entry_symlink(e);
    if (archive_entry_hardlink(e)) t.hardlink = archive_entry_hardlink(e);
    t.size = archive_entry_size(e);
    t.uid = archive_entry_uid(e);
    t.gid = archive_entry_gid(e);
    t.mtime = archive_entry_mtime(e);
    char buffer[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buffer, sizeof(buffer))) > 0) t.content.append(buffer, n);
    entries[t.path] = t;
  }
  archive_read_free(a);
  return entries;
}

manifest::Manifest ParseManifest(const ImageInfo& image) {
  auto parsed = manifest::ParseManifestOrIndex(image.manifest_body, image.manifest_media_type);
  INFO(MessageOf(parsed.status()));
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<manifest::Manifest>(*parsed));
  return std::get<manifest::Manifest>(*parsed);
}

// The manifest and config parse, agree with each other and with the blobs.
void CheckImage(const BuiltImage& image) {
  const manifest::Manifest m = ParseManifest(image);
  CHECK(m.media_type == image.manifest_media_type);
  CHECK(Sha256Digest(image.manifest_body) == image.manifest_digest);
  CHECK(m.config.digest == image.config_digest);
  REQUIRE(image.blobs.count(image.config_digest) == 1);
  CHECK(image.blobs.at(image.config_digest) == image.config_body);
  auto config = manifest::ParseConfig(image.config_body);
  INFO(MessageOf(config.status()));
  REQUIRE(config.ok());
  CHECK(manifest::CheckLayersMatch(m, *config).ok());
  CHECK(config->diff_ids == image.diff_ids);
  REQUIRE(m.layers.size() == image.layer_digests.size());
  for (size_t i = 0; i < m.layers.size(); ++i) {
    CHECK(m.layers[i].digest == image.layer_digests[i]);
    REQUIRE(image.blobs.count(m.layers[i].digest) == 1);
    const std::string& blob = image.blobs.at(m.layers[i].digest);
    CHECK(Sha256Digest(blob) == m.layers[i].digest);
    CHECK(static_cast<int64_t>(blob.size()) == m.layers[i].size);
    auto tar = DecompressBlob(blob);
    REQUIRE(tar.ok());
    CHECK(Sha256Digest(*tar) == config->diff_ids[i]);
  }
  for (const auto& [digest, content] : image.blobs) CHECK(Sha256Digest(content) == digest);
}

ImageSpec BusyboxImage(Compression compression = Compression::kGzip) {
  ImageSpec spec;
  spec.layers.push_back(BusyboxLayer(compression));
  spec.cmd = {"/bin/sh", "-c", "echo hello"};
  spec.env = {"PATH=/bin", "GREETING=hi"};
  spec.user = "1000:1000";
  spec.working_dir = "/home/app";
  spec.stop_signal = "SIGINT";
  spec.labels = {{"org.cria.test", "yes"}};
  return spec;
}

Result<BuiltImage> BuildOk(const ImageSpec& spec) {
  auto image = Build(spec);
  INFO(MessageOf(image.status()));
  REQUIRE(image.ok());
  return image;
}

TEST_CASE("busybox image parses and has the expected content", "[image_builder]") {
  BuiltImage image = *BuildOk(BusyboxImage());
  CheckImage(image);
  const manifest::Manifest m = ParseManifest(image);
  CHECK(m.layers[0].media_type == manifest::kOciLayerGzip);
  auto config = *manifest::ParseConfig(image.config_body);
  CHECK(config.cmd == std::vector<std::string>{"/bin/sh", "-c", "echo hello"});
  CHECK(config.env == std::vector<std::string>{"PATH=/bin", "GREETING=hi"});
  CHECK(config.user == "1000:1000");
  CHECK(config.working_dir == "/home/app");
  CHECK(config.stop_signal == "SIGINT");
  CHECK(config.labels.at("org.cria.test") == "yes");
  CHECK(config.os == "linux");
  CHECK(config.architecture == manifest::HostPlatform().architecture);

  auto entries = ReadTar(image.blobs.at(image.layer_digests[0]));
  REQUIRE(entries.count("bin/busybox") == 1);
  CHECK(entries["bin/busybox"].content == ReadFile(kBusyboxPath));
  CHECK(entries["bin/busybox"].perm == 0755);
  for (const char* applet :
       {"sh", "echo", "sleep", "cat", "ls", "id", "true", "false", "unshare"}) {
    const std::string path = std::string("bin/") + applet;
    REQUIRE(entries.count(path) == 1);
    CHECK(entries[path].type == AE_IFLNK);
    CHECK(entries[path].symlink == "busybox");
  }
  CHECK(entries["etc/passwd"].content.find("app:x:1000:1000:") != std::string::npos);
  CHECK(entries["etc/passwd"].content.find("nobody:x:65534:65534:") != std::string::npos);
  CHECK(entries["etc/group"].content.find("app:x:1000:") != std::string::npos);
  CHECK(entries["tmp"].type == AE_IFDIR);
  CHECK(entries["tmp"].perm == 01777);
  CHECK(entries["home/app"].uid == 1000);
  for (const auto& [path, entry] : entries) CHECK(entry.mtime == kDefaultMtime);
}

TEST_CASE("layers in every compression, with links and whiteouts", "[image_builder]") {
  for (Compression compression : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    ImageSpec spec;
    LayerSpec base;
    base.compression = compression;
    base.Dir("a").File("a/one", "1\n").File("a/two", "2\n").Dir("b").File("b/x", "x", 0600, 5, 6);
    LayerSpec top;
    top.compression = compression;
    top.Dir("a")
        .Whiteout("a/one")
        .OpaqueWhiteout("b")
        .Hardlink("a/three", "a/two")
        .Symlink("link", "a/two");
    spec.layers = {base, top};
    BuiltImage image = *BuildOk(spec);
    CheckImage(image);
    const manifest::Manifest m = ParseManifest(image);
    const std::string_view want = compression == Compression::kNone   ? manifest::kOciLayerTar
                                  : compression == Compression::kGzip ? manifest::kOciLayerGzip
                                                                      : manifest::kOciLayerZstd;
    CHECK(m.layers[1].media_type == want);

    auto lower = ReadTar(image.blobs.at(image.layer_digests[0]));
    CHECK(lower["b/x"].uid == 5);
    CHECK(lower["b/x"].gid == 6);
    CHECK(lower["b/x"].perm == 0600);
    auto upper = ReadTar(image.blobs.at(image.layer_digests[1]));
    CHECK(upper.count("a/.wh.one") == 1);
    CHECK(upper.count("b/.wh..wh..opq") == 1);
    CHECK(upper["a/three"].hardlink == "a/two");
    CHECK(upper["link"].symlink == "a/two");

    // GNU tar reads them too.
    TempDir dir;
    const std::string blob_path = dir.path() + "/layer";
    registry::testing::WriteFile(blob_path, image.blobs.at(image.layer_digests[1]));
    std::vector<std::string> argv = {"/usr/bin/tar", "-tvf", blob_path};
    if (compression == Compression::kZstd) argv.insert(argv.begin() + 1, "--zstd");
    CHECK(RunAndWait(argv, dir.path() + "/tar.log") == 0);
    const std::string listing = ReadFile(dir.path() + "/tar.log");
    CHECK(listing.find("a/three link to a/two") != std::string::npos);
    CHECK(listing.find("link -> a/two") != std::string::npos);
  }
}

TEST_CASE("builds are deterministic", "[image_builder]") {
  BuiltImage a = *BuildOk(BusyboxImage());
  BuiltImage b = *BuildOk(BusyboxImage());
  CHECK(a.manifest_digest == b.manifest_digest);
  CHECK(a.layer_digests == b.layer_digests);
}

TEST_CASE("docker schema 2 images", "[image_builder]") {
  ImageSpec spec = BusyboxImage();
  spec.format = ManifestFormat::kDockerSchema2;
  BuiltImage image = *BuildOk(spec);
  CheckImage(image);
  CHECK(image.manifest_media_type == manifest::kDockerManifest);
  const manifest::Manifest m = ParseManifest(image);
  CHECK(m.config.media_type == manifest::kDockerConfig);
  CHECK(m.layers[0].media_type == manifest::kDockerLayerGzip);

  spec.layers[0].compression = Compression::kZstd;
  auto bad = Build(spec);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a missing host file is NotFound", "[image_builder]") {
  ImageSpec spec;
  spec.layers.push_back(LayerSpec().HostFile("bin/x", "/nonexistent/cria-test-file"));
  auto image = Build(spec);
  CHECK(image.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(image.status()).find("/nonexistent/cria-test-file") != std::string::npos);
}

TEST_CASE("indexes select the host platform", "[image_builder]") {
  for (bool docker : {false, true}) {
    ImageSpec host = BusyboxImage();
    ImageSpec other = BusyboxImage();
    other.architecture = manifest::HostPlatform().architecture == "arm64" ? "amd64" : "arm64";
    if (docker) {
      host.format = other.format = ManifestFormat::kDockerSchema2;
    }
    BuiltImage host_image = *BuildOk(host);
    BuiltImage other_image = *BuildOk(other);
    const std::string host_digest = host_image.manifest_digest;
    manifest::Platform other_platform{"linux", other.architecture, ""};
    auto index =
        BuildIndex({{other_platform, other_image}, {manifest::HostPlatform(), host_image}}, docker);
    REQUIRE(index.ok());
    auto parsed = manifest::ParseManifestOrIndex(index->body, index->media_type);
    REQUIRE(parsed.ok());
    REQUIRE(std::holds_alternative<manifest::Index>(*parsed));
    const auto& idx = std::get<manifest::Index>(*parsed);
    CHECK(idx.media_type == (docker ? manifest::kDockerManifestList : manifest::kOciIndex));
    auto selected = manifest::SelectPlatform(idx, manifest::HostPlatform());
    REQUIRE(selected.ok());
    CHECK(selected->digest == host_digest);
    CHECK(index->digest == Sha256Digest(index->body));
  }
  // A manifest list over OCI images is refused.
  auto bad = BuildIndex({{manifest::HostPlatform(), *BuildOk(BusyboxImage())}}, true);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("OCI layout and oci-archive", "[image_builder]") {
  TempDir dir;
  BuiltImage image = *BuildOk(BusyboxImage());
  ImageSpec second_spec = BusyboxImage();
  second_spec.cmd = {"/bin/true"};
  BuiltImage second = *BuildOk(second_spec);
  const std::string layout = dir.path() + "/layout";
  REQUIRE(WriteOciLayout(layout, image, "v1").ok());
  REQUIRE(WriteOciLayout(layout, second, "v2").ok());
  REQUIRE(WriteOciLayout(layout, image, "v1").ok());  // replaces, does not duplicate
  CHECK(ReadFile(layout + "/oci-layout") == "{\"imageLayoutVersion\":\"1.0.0\"}");
  auto index = records::ParseJsonObject(ReadFile(layout + "/index.json"));
  REQUIRE(index.ok());
  const auto& manifests = (*index)["manifests"];
  REQUIRE(manifests.Size() == 2);
  std::map<std::string, std::string> by_ref;
  for (const auto& entry : manifests.GetArray()) {
    by_ref[entry["annotations"][kRefNameAnnotation].GetString()] = entry["digest"].GetString();
    CHECK(std::string(entry["mediaType"].GetString()) == manifest::kOciManifest);
  }
  CHECK(by_ref["v1"] == image.manifest_digest);
  CHECK(by_ref["v2"] == second.manifest_digest);
  for (const auto& file : std::filesystem::directory_iterator(layout + "/blobs/sha256")) {
    CHECK("sha256:" + file.path().filename().string() == Sha256Digest(ReadFile(file.path())));
  }
  CHECK(ReadFile(layout + "/blobs/sha256/" + HexOf(image.manifest_digest)) == image.manifest_body);

  const std::string archive_path = dir.path() + "/image.tar";
  REQUIRE(WriteOciArchive(archive_path, image, "latest").ok());
  auto entries = ReadTar(ReadFile(archive_path));
  CHECK(entries.count("oci-layout") == 1);
  CHECK(entries.count("index.json") == 1);
  CHECK(entries.count("blobs/sha256/" + HexOf(image.manifest_digest)) == 1);
  CHECK(entries.count("blobs/sha256/" + HexOf(image.config_digest)) == 1);
  CHECK(entries.count("blobs/sha256/" + HexOf(image.layer_digests[0])) == 1);
  CHECK(entries["index.json"].content.find("\"latest\"") != std::string::npos);
  // No scratch directory left behind.
  int files = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
    (void)file;
    ++files;
  }
  CHECK(files == 2);
}

TEST_CASE("docker-archive in docker save format", "[image_builder]") {
  TempDir dir;
  ImageSpec spec = BusyboxImage();
  LayerSpec extra;
  extra.compression = Compression::kZstd;
  extra.File("hello.txt", "hello\n");
  spec.layers.push_back(extra);
  BuiltImage image = *BuildOk(spec);
  const std::string path = dir.path() + "/docker.tar";
  REQUIRE(WriteDockerArchive(path, image, {"example.com/app:v1"}).ok());
  auto entries = ReadTar(ReadFile(path));
  REQUIRE(entries.count("manifest.json") == 1);
  const std::string config_name = HexOf(image.config_digest) + ".json";
  REQUIRE(entries.count(config_name) == 1);
  CHECK(entries[config_name].content == image.config_body);
  auto manifest_json = records::ParseJsonObject("{\"m\":" + entries["manifest.json"].content + "}");
  REQUIRE(manifest_json.ok());
  const auto& m = (*manifest_json)["m"][0];
  CHECK(std::string(m["Config"].GetString()) == config_name);
  CHECK(std::string(m["RepoTags"][0].GetString()) == "example.com/app:v1");
  REQUIRE(m["Layers"].Size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const std::string layer = m["Layers"][static_cast<rapidjson::SizeType>(i)].GetString();
    CHECK(layer == HexOf(image.diff_ids[i]) + "/layer.tar");
    REQUIRE(entries.count(layer) == 1);
    CHECK(Sha256Digest(entries[layer].content) == image.diff_ids[i]);
  }
  // GNU tar agrees.
  CHECK(RunAndWait({"/usr/bin/tar", "-tf", path}, dir.path() + "/tar.log") == 0);
}

TEST_CASE("generated content is deterministic and partly compressible", "[image_builder]") {
  auto read_all = [](GeneratedContent spec) {
    ContentGenerator generator(spec);
    std::string out;
    char buffer[1000];
    while (size_t n = generator.Next(buffer, sizeof(buffer))) out.append(buffer, n);
    return out;
  };
  const std::string a = read_all({100000, 7, 0.5});
  CHECK(a.size() == 100000);
  CHECK(a == read_all({100000, 7, 0.5}));
  CHECK(a != read_all({100000, 8, 0.5}));

  LayerSpec layer = RandomFilesLayer(1 << 20, 100 << 10, 1, 0.5);
  ImageSpec spec;
  spec.layers = {layer};
  BuiltImage image = *BuildOk(spec);
  CheckImage(image);
  auto entries = ReadTar(image.blobs.at(image.layer_digests[0]));
  int64_t total = 0;
  for (const auto& [path, entry] : entries) total += entry.size;
  CHECK(total == (1 << 20));
  // About half compressible: the gzip blob is between 30% and 75% of the data.
  CHECK(image.layer_sizes[0] > (1 << 20) * 3 / 10);
  CHECK(image.layer_sizes[0] < (1 << 20) * 3 / 4);
}

TEST_CASE("BuildToDir writes blob files", "[image_builder]") {
  TempDir dir;
  ImageSpec spec = BusyboxImage();
  spec.layers.push_back(RandomFilesLayer(4 << 20, 1 << 20, 3, 0.3, Compression::kZstd));
  BuiltImageFiles files;
  Status status = BuildToDir(spec, dir.path() + "/out", &files);
  INFO(MessageOf(status));
  REQUIRE(status.ok());
  REQUIRE(files.layer_digests.size() == 2);
  for (const auto& [digest, path] : files.blob_paths) {
    CHECK(path == dir.path() + "/out/blobs/sha256/" + HexOf(digest));
    CHECK(Sha256Digest(ReadFile(path)) == digest);
  }
  CHECK(files.blob_paths.count(files.manifest_digest) == 1);
  CHECK(files.blob_paths.count(files.config_digest) == 1);
  // The same spec in memory gives the same image.
  BuiltImage memory = *BuildOk(spec);
  CHECK(memory.manifest_digest == files.manifest_digest);
}

TEST_CASE("push to a registry and pull the manifest back", "[image_builder][registry]") {
  registry::testing::TestRegistry registry;
  INFO(registry.log());
  REQUIRE(registry.started());
  registry::RegistryClientOptions options;
  options.scheme = "http";
  registry::RegistryClient client(options);

  BuiltImage image = *BuildOk(BusyboxImage());
  Status pushed = Push(registry, "cria/busybox", "v1", image);
  INFO(MessageOf(pushed));
  REQUIRE(pushed.ok());
  auto ref = reference::ParseNormalized(registry.address() + "/cria/busybox:v1");
  REQUIRE(ref.ok());
  auto fetched = client.GetManifest(*ref);
  INFO(MessageOf(fetched.status()));
  REQUIRE(fetched.ok());
  CHECK(fetched->body == image.manifest_body);
  CHECK(fetched->digest == image.manifest_digest);
  auto config = client.FetchSmallBlob(*ref, image.config_digest);
  REQUIRE(config.ok());
  CHECK(*config == image.config_body);

  // An index with a fake second architecture.
  ImageSpec other = BusyboxImage();
  other.architecture = "s390x";
  auto index = BuildIndex({{manifest::HostPlatform(), image},
                           {manifest::Platform{"linux", "s390x", ""}, *Build(other)}});
  REQUIRE(index.ok());
  REQUIRE(Push(registry, "cria/multi", "latest", *index).ok());
  auto multi_ref = reference::ParseNormalized(registry.address() + "/cria/multi:latest");
  auto fetched_index = client.GetManifest(*multi_ref);
  REQUIRE(fetched_index.ok());
  CHECK(fetched_index->digest == index->digest);
  auto child = client.GetManifestByDigest(*multi_ref, index->images[1].manifest_digest);
  REQUIRE(child.ok());
  CHECK(child->body == index->images[1].manifest_body);

  // Blob files, streamed.
  TempDir dir;
  ImageSpec big = BusyboxImage();
  big.layers.push_back(RandomFilesLayer(3 << 20, 512 << 10, 9, 0.5));
  BuiltImageFiles files;
  REQUIRE(BuildToDir(big, dir.path(), &files).ok());
  Status pushed_files = PushFiles(registry, "cria/big", "v1", files);
  INFO(MessageOf(pushed_files));
  REQUIRE(pushed_files.ok());
  auto big_ref = reference::ParseNormalized(registry.address() + "/cria/big:v1");
  auto big_manifest = client.GetManifest(*big_ref);
  REQUIRE(big_manifest.ok());
  CHECK(big_manifest->digest == files.manifest_digest);
  CHECK(ReadFile(registry.BlobDataPath(files.layer_digests[1])) ==
        ReadFile(files.blob_paths.at(files.layer_digests[1])));
  // Pushing again skips blobs the registry has.
  CHECK(PushFiles(registry, "cria/big", "v2", files).ok());
}

}  // namespace
}  // namespace cria::image::testing

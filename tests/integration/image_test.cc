// cria-image with a real docker-registry and cria-storage, through the CRI socket: pulls
// of every manifest kind, names, removal, shared concurrent pulls, bad content that
// leaves nothing behind, and a kill -9 in the middle of a pull.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "libs/digest/chain_id.h"
#include "libs/testing/temp_dir.h"
#include "rapidjson/document.h"
#include "services/image/manifest/platform.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tests/support/image_env.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace it = image::testing;
using runtime::v1::ImageStatusResponse;

it::BuiltImage BuildOrFail(const it::ImageSpec& spec) {
  Result<it::BuiltImage> built = it::Build(spec);
  INFO(MessageOf(built.status()));
  REQUIRE(built.ok());
  return *built;
}

std::string TopChain(const it::ImageInfo& image) {
  std::string chain;
  for (const std::string& diff : image.diff_ids) chain = *digest::ChainId(chain, diff);
  return chain;
}

void PushOrFail(ImageEnv& env, const std::string& repo, const std::string& tag,
                const it::BuiltImage& image) {
  Status s = it::Push(env.registry(), repo, tag, image);
  INFO(MessageOf(s));
  REQUIRE(s.ok());
}

// Makes a container rootfs of the image in cria-storage, mounts it, returns the path.
std::string MountRootfs(ImageEnv& env, const std::string& container, const std::string& image_id,
                        const std::string& top_layer) {
  storage::v1::CreateRootfsRequest create;
  create.set_container_id(container);
  create.set_top_layer(top_layer);
  create.set_image_id(image_id);
  storage::v1::CreateRootfsResponse created;
  grpc::ClientContext c1;
  REQUIRE(env.storage().CreateRootfs(&c1, create, &created).ok());
  storage::v1::MountRootfsRequest mount;
  mount.set_container_id(container);
  storage::v1::MountRootfsResponse mounted;
  grpc::ClientContext c2;
  REQUIRE(env.storage().MountRootfs(&c2, mount, &mounted).ok());
  return mounted.path();
}

void RemoveRootfs(ImageEnv& env, const std::string& container) {
  storage::v1::RemoveRootfsRequest rm;
  rm.set_container_id(container);
  storage::v1::RemoveRootfsResponse resp;
  grpc::ClientContext ctx;
  REQUIRE(env.storage().RemoveRootfs(&ctx, rm, &resp).ok());
}

int CountBlobGets(const std::string& log, const std::string& repo, const std::string& digest) {
  std::regex get("\"GET /v2/" + repo + "/blobs/" + digest + " HTTP");
  return static_cast<int>(
      std::distance(std::sregex_iterator(log.begin(), log.end(), get), std::sregex_iterator()));
}

TEST_CASE("pull through the CRI: list, status, resolve, names, removal and GC") {
  ImageEnv env;
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer()};
  spec.user = "1000";
  spec.entrypoint = {"/bin/sh"};
  spec.cmd = {"-c", "echo hi"};
  spec.env = {"PATH=/bin"};
  it::BuiltImage image = BuildOrFail(spec);
  PushOrFail(env, "cria/busybox", "v1", image);
  PushOrFail(env, "cria/busybox", "v2", image);
  const std::string name = env.registry().address() + "/cria/busybox";

  std::string ref;
  grpc::Status s = env.Pull(name + ":v1", &ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(ref == image.config_digest);  // the kubelet pairs it with Image.id

  std::vector<runtime::v1::Image> images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id() == image.config_digest);
  CHECK(std::vector<std::string>(images[0].repo_tags().begin(), images[0].repo_tags().end()) ==
        std::vector<std::string>{name + ":v1"});
  REQUIRE(images[0].repo_digests_size() == 1);
  CHECK(images[0].repo_digests(0) == name + "@" + image.manifest_digest);
  CHECK(images[0].size() > 1000000);  // busybox, uncompressed
  CHECK(images[0].uid().value() == 1000);
  CHECK_FALSE(images[0].pinned());

  // Found by id, id prefix, tag and digest; verbose info carries the config.
  for (const std::string& text : {image.config_digest, it::HexOf(image.config_digest).substr(0, 12),
                                  name + ":v1", name + "@" + image.manifest_digest}) {
    ImageStatusResponse status;
    REQUIRE(env.Status(text, &status, true).ok());
    INFO(text);
    CHECK(status.image().id() == image.config_digest);
    rapidjson::Document info;
    info.Parse(status.info().at("info").c_str());
    REQUIRE(info.IsObject());
    CHECK(std::string(info["imageSpec"]["config"]["User"].GetString()) == "1000");
  }
  ImageStatusResponse absent;
  REQUIRE(env.Status(name + ":nope", &absent).ok());
  CHECK_FALSE(absent.has_image());

  // What cria-runtime will ask for: the top layer and the container defaults.
  image::v1::ResolveResponse resolved;
  REQUIRE(env.Resolve(name + ":v1", &resolved).ok());
  CHECK(resolved.id() == image.config_digest);
  CHECK(resolved.top_layer() == TopChain(image));
  CHECK(resolved.config().user() == "1000");
  CHECK(resolved.config().entrypoint(0) == "/bin/sh");
  CHECK(resolved.config().cmd_size() == 2);
  CHECK(env.LayerPresent(resolved.top_layer()));
  image::v1::ResolveResponse missing;
  CHECK(env.Resolve("nothing:here", &missing).error_code() == grpc::StatusCode::NOT_FOUND);

  // The same image under a second tag: one image, two names, nothing downloaded again.
  REQUIRE(env.Pull(name + ":v2", &ref).ok());
  CHECK(ref == image.config_digest);
  images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].repo_tags_size() == 2);
  CHECK(CountBlobGets(env.registry().log(), "cria/busybox", image.layer_digests[0]) == 1);

  // Removing one tag of two removes the tag only.
  REQUIRE(env.Remove(name + ":v1").ok());
  images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].repo_tags_size() == 1);
  CHECK(images[0].repo_tags(0) == name + ":v2");

  // An image a container uses is refused, naming the container.
  std::string rootfs =
      MountRootfs(env, "ctr-uses-image", image.config_digest, resolved.top_layer());
  CHECK(fs::exists(rootfs + "/bin/busybox"));
  s = env.Remove(image.config_digest);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("ctr-uses-image") != std::string::npos);
  CHECK(env.List().size() == 1);
  RemoveRootfs(env, "ctr-uses-image");

  // Removed: record, pin and (unused) layers go; removing again is fine.
  REQUIRE(env.Remove(image.config_digest).ok());
  CHECK(env.List().empty());
  CHECK(env.Pins().empty());
  CHECK_FALSE(env.LayerPresent(resolved.top_layer()));
  CHECK(env.Remove(image.config_digest).ok());
  ImageStatusResponse gone;
  REQUIRE(env.Status(image.config_digest, &gone).ok());
  CHECK_FALSE(gone.has_image());
}

TEST_CASE("records survive a restart of cria-image and cria-storage") {
  ImageEnv env;
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer()};
  it::BuiltImage image = BuildOrFail(spec);
  PushOrFail(env, "cria/keep", "1", image);
  REQUIRE(env.Pull(env.Ref("cria/keep", "1")).ok());
  env.stack().Kill("image");
  env.stack().Kill("storage");
  env.stack().Start("storage");
  env.stack().Start("image");
  env.Reconnect();
  std::vector<runtime::v1::Image> images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id() == image.config_digest);
  // Still pinned: a GC (here through a removal of something else) keeps its layer.
  CHECK(env.Remove("nothing:here").ok());
  CHECK(env.LayerPresent(TopChain(image)));
  CHECK(env.Pins("image:").size() == 1);
}

TEST_CASE("whiteouts, zstd, Docker schema 2 and multi-arch indexes") {
  ImageEnv env;
  it::ImageSpec spec;
  it::LayerSpec base = it::BusyboxLayer();
  base.File("etc/old", "old").Dir("data").File("data/x", "x");
  it::LayerSpec top;
  top.compression = it::Compression::kZstd;
  top.Whiteout("etc/old").OpaqueWhiteout("data").File("data/y", "y");
  spec.layers = {base, top};
  it::BuiltImage layered = BuildOrFail(spec);
  PushOrFail(env, "cria/layered", "1", layered);
  std::string ref;
  grpc::Status s = env.Pull(env.Ref("cria/layered", "1"), &ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  std::string root = MountRootfs(env, "ctr-layered", ref, TopChain(layered));
  CHECK(fs::exists(root + "/bin/busybox"));
  CHECK_FALSE(fs::exists(root + "/etc/old"));
  CHECK_FALSE(fs::exists(root + "/data/x"));
  CHECK(fs::exists(root + "/data/y"));
  RemoveRootfs(env, "ctr-layered");

  it::ImageSpec docker_spec;
  docker_spec.layers = {it::BusyboxLayer()};
  docker_spec.format = it::ManifestFormat::kDockerSchema2;
  docker_spec.labels = {{"kind", "docker"}};
  it::BuiltImage docker = BuildOrFail(docker_spec);
  PushOrFail(env, "cria/docker", "1", docker);
  REQUIRE(env.Pull(env.Ref("cria/docker", "1"), &ref).ok());
  CHECK(ref == docker.config_digest);

  // An index: the host's platform is chosen; an index without it is NotFound.
  it::ImageSpec host_spec;
  host_spec.layers = {it::BusyboxLayer()};
  host_spec.labels = {{"platform", "host"}};
  it::ImageSpec arm_spec = host_spec;
  arm_spec.labels = {{"platform", "other"}};
  arm_spec.architecture =
      image::manifest::HostPlatform().architecture == "arm64" ? "s390x" : "arm64";
  it::BuiltImage host = BuildOrFail(host_spec);
  it::BuiltImage other = BuildOrFail(arm_spec);
  auto index = it::BuildIndex({{other.platform, other}, {host.platform, host}});
  REQUIRE(index.ok());
  REQUIRE(it::Push(env.registry(), "cria/multi", "1", *index).ok());
  REQUIRE(env.Pull(env.Ref("cria/multi", "1"), &ref).ok());
  CHECK(ref == host.config_digest);
  // The repo digest is the index's, as users pin it.
  ImageStatusResponse status;
  REQUIRE(env.Status(ref, &status).ok());
  CHECK(status.image().repo_digests(0) ==
        env.registry().address() + "/cria/multi@" + index->digest);

  auto foreign = it::BuildIndex({{other.platform, other}});
  REQUIRE(foreign.ok());
  REQUIRE(it::Push(env.registry(), "cria/foreign", "1", *foreign).ok());
  s = env.Pull(env.Ref("cria/foreign", "1"));
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(s.error_message().find("platform") != std::string::npos);
  CHECK(env.List().size() == 3);
}

TEST_CASE("concurrent pulls of one image share one download") {
  ImageEnv env;
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer(), it::RandomFilesLayer(8 << 20, 1 << 20, 7, 0.3)};
  it::BuiltImage image = BuildOrFail(spec);
  PushOrFail(env, "cria/shared", "1", image);
  std::vector<std::future<std::pair<grpc::Status, std::string>>> pulls;
  for (int i = 0; i < 4; ++i) {
    pulls.push_back(std::async(std::launch::async, [&] {
      std::string ref;
      grpc::Status s = env.Pull(env.Ref("cria/shared", "1"), &ref);
      return std::make_pair(s, ref);
    }));
  }
  for (auto& pull : pulls) {
    auto [status, ref] = pull.get();
    INFO(status.error_message());
    CHECK(status.ok());
    CHECK(ref == image.config_digest);
  }
  const std::string log = env.registry().log();
  for (const std::string& layer : image.layer_digests) {
    CHECK(CountBlobGets(log, "cria/shared", layer) == 1);
  }
  CHECK(env.List().size() == 1);
}

TEST_CASE("a blob that does not match its digest fails the pull and leaves nothing") {
  ImageEnv env;
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer(), it::LayerSpec().File("extra", "x")};
  it::BuiltImage image = BuildOrFail(spec);
  PushOrFail(env, "cria/bad", "1", image);
  // Corrupt the top layer inside the registry's storage: same size, other bytes.
  std::string data = env.registry().BlobDataPath(image.layer_digests[1]);
  std::string content = image::registry::testing::ReadFile(data);
  REQUIRE(!content.empty());
  content[content.size() / 2] ^= 0x55;
  std::ofstream(data, std::ios::binary | std::ios::trunc) << content;

  grpc::Status s = env.Pull(env.Ref("cria/bad", "1"));
  CHECK(s.error_code() == grpc::StatusCode::DATA_LOSS);
  CHECK(s.error_message().find(image.layer_digests[1]) != std::string::npos);
  CHECK(env.List().empty());
  CHECK(env.Pins().empty());
  // The base layer applied before the failure was collected again.
  CHECK_FALSE(env.LayerPresent(image.diff_ids[0]));
  CHECK(fs::is_empty(env.stack().state_dir() + "/image/tmp"));

  s = env.Pull(env.Ref("cria/bad", "missing-tag"));
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(s.error_message().find("cria/bad") != std::string::npos);
  CHECK(s.error_message().find("missing-tag") != std::string::npos);
  CHECK(env.Pull("").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(env.Pull("127.0.0.1:1/x:bad tag!").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("cria-image killed during a pull: no half image, and the next pull works") {
  ImageEnv env;
  it::ImageSpec spec;
  // Incompressible, so the download takes a moment.
  spec.layers = {it::BusyboxLayer(), it::RandomFilesLayer(96 << 20, 4 << 20, 11, 0.0),
                 it::RandomFilesLayer(96 << 20, 4 << 20, 12, 0.0)};
  it::BuiltImageFiles image;
  {
    cria::testing::TempDir dir("cria-kill-pull-", "/tmp");
    REQUIRE(it::BuildToDir(spec, dir.path(), &image).ok());
    REQUIRE(it::PushFiles(env.registry(), "cria/big", "1", image).ok());
  }

  auto pull = std::async(std::launch::async, [&] { return env.Pull(env.Ref("cria/big", "1")); });
  // Kill it once a download is under way.
  const std::string tmp = env.stack().state_dir() + "/image/tmp";
  bool downloading = false;
  for (int i = 0; i < 400 && !downloading; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(tmp, ec)) {
      if (e.is_regular_file(ec) && e.file_size(ec) > 0) downloading = true;
    }
  }
  REQUIRE(downloading);
  env.stack().Kill("image");
  CHECK_FALSE(pull.get().ok());

  env.stack().Start("image");
  env.Reconnect();
  CHECK(env.List().empty());
  // Reconciliation drops the dead pull's pins and collects its layers.
  bool clean = false;
  for (int i = 0; i < 100 && !clean; ++i) {
    clean = env.Pins().empty() && fs::is_empty(tmp);
    if (!clean) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(clean);
  CHECK_FALSE(env.LayerPresent(image.diff_ids[0]));

  std::string ref;
  grpc::Status s = env.Pull(env.Ref("cria/big", "1"), &ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(ref == image.config_digest);
  CHECK(env.LayerPresent(TopChain(image)));
}

}  // namespace
}  // namespace cria::testing

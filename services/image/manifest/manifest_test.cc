#include "services/image/manifest/manifest.h"

#include <catch2/catch.hpp>
#include <string>

#include "services/image/manifest/config.h"
#include "services/image/manifest/platform.h"

namespace cria::image::manifest {
namespace {

// Digests shaped like real ones (64 lowercase hex digits).
const std::string kConfigDigest =
    "sha256:9c7a54a9a43cca047013b82af109fe963fde787f63f9e016fdc3384500c2823d";
const std::string kLayer1 =
    "sha256:2d473b07cdd5f0912cd6f1a703352c82b512407db6b05b43f2553732b55df3bc";
const std::string kLayer2 =
    "sha256:3fa5c4da2d8e4f2a1b0cd1e6f3a9a2f4b1d8e7c6b5a4f3e2d1c0b9a8f7e6d5c4";
const std::string kAmd64 =
    "sha256:1f1a2d56de1d604801a9671f301190704c25d604a416f59e03c04f5c6ffee0d6";
const std::string kArm64 =
    "sha256:5a0bf1f9f3a4e4a0a6ea2f4f1c3a4f3b0bbfbb7e1b1ef2c1a0a9f8e7d6c5b4a3";
const std::string kArmV7 =
    "sha256:7c1e5b1d2f4a6c8e0a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c";
const std::string kWindows =
    "sha256:b4c6d8e0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6";
const std::string kAttestation =
    "sha256:e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2";

const std::string kOciManifestJson = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {
    "mediaType": "application/vnd.oci.image.config.v1+json",
    "digest": ")" + kConfigDigest + R"(",
    "size": 1470
  },
  "layers": [
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
      "digest": ")" + kLayer1 + R"(",
      "size": 3623807
    },
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
      "digest": ")" + kLayer2 + R"(",
      "size": 512,
      "annotations": {"org.opencontainers.image.title": "app.tar.zst"}
    }
  ],
  "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"}
})";

const std::string kDockerManifestJson = R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 1528,
      "digest": ")" + kConfigDigest + R"("
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 52550276,
         "digest": ")" + kLayer1 + R"("
      },
      {
         "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         "size": 1024,
         "digest": ")" + kLayer2 + R"(",
         "urls": ["https://mcr.microsoft.com/v2/windows/blobs/x"]
      }
   ]
})";

std::string IndexJson(std::string_view media_type, std::string_view entry_type) {
  std::string json = R"({
  "schemaVersion": 2,)";
  if (!media_type.empty()) json += R"("mediaType": ")" + std::string(media_type) + R"(",)";
  auto entry = [&](const std::string& digest, const std::string& platform,
                   const std::string& extra) {
    return R"({"mediaType": ")" + std::string(entry_type) + R"(", "digest": ")" + digest +
           R"(", "size": 1234, "platform": )" + platform + extra + "}";
  };
  json += R"("manifests": [)";
  json += entry(kAmd64, R"({"architecture": "amd64", "os": "linux"})", "") + ",";
  json += entry(kArm64, R"({"architecture": "arm64", "os": "linux", "variant": "v8"})", "") + ",";
  json += entry(kArmV7, R"({"architecture": "arm", "os": "linux", "variant": "v7"})", "") + ",";
  json +=
      entry(kWindows,
            R"({"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.5329"})", "") +
      ",";
  json += entry(kAttestation, R"({"architecture": "unknown", "os": "unknown"})",
                R"(, "annotations": {"vnd.docker.reference.digest": ")" + kAmd64 +
                    R"(", "vnd.docker.reference.type": "attestation-manifest"})");
  json += "]}";
  return json;
}

std::string OciIndexJson() { return IndexJson(kOciIndex, kOciManifest); }
std::string DockerListJson() { return IndexJson(kDockerManifestList, kDockerManifest); }

Manifest ParseManifestOk(const std::string& body, std::string_view content_type = "") {
  auto parsed = ParseManifestOrIndex(body, content_type);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<Manifest>(*parsed));
  return std::get<Manifest>(*std::move(parsed));
}

Index ParseIndexOk(const std::string& body, std::string_view content_type = "") {
  auto parsed = ParseManifestOrIndex(body, content_type);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<Index>(*parsed));
  return std::get<Index>(*std::move(parsed));
}

// Expects `result` to fail with `code` and a message containing `needle`.
template <typename T>
void ExpectError(const Result<T>& result, StatusCode code, const std::string& needle) {
  INFO(result.status().ToString());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == code);
  CHECK(MessageOf(result.status()).find(needle) != std::string::npos);
}

void ExpectError(const Status& status, StatusCode code, const std::string& needle) {
  INFO(status.ToString());
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == code);
  CHECK(MessageOf(status).find(needle) != std::string::npos);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

TEST_CASE("an OCI image manifest parses", "[manifest]") {
  const Manifest m = ParseManifestOk(kOciManifestJson, std::string(kOciManifest));
  CHECK(m.media_type == kOciManifest);
  CHECK(m.config.media_type == kOciConfig);
  CHECK(m.config.digest == kConfigDigest);
  CHECK(m.config.size == 1470);
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].media_type == kOciLayerGzip);
  CHECK(m.layers[0].digest == kLayer1);
  CHECK(m.layers[0].size == 3623807);
  CHECK(m.layers[1].media_type == kOciLayerZstd);
  CHECK(m.layers[1].annotations.at("org.opencontainers.image.title") == "app.tar.zst");
}

TEST_CASE("a Docker schema 2 manifest parses", "[manifest]") {
  const Manifest m =
      ParseManifestOk(kDockerManifestJson, "application/vnd.docker.distribution.manifest.v2+json");
  CHECK(m.media_type == kDockerManifest);
  CHECK(m.config.media_type == kDockerConfig);
  CHECK(m.config.size == 1528);
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].media_type == kDockerLayerGzip);
  CHECK(m.layers[0].size == 52550276);
  CHECK(m.layers[1].media_type == kDockerForeignLayerGzip);
  REQUIRE(m.layers[1].urls.size() == 1);
  CHECK(m.layers[1].urls[0] == "https://mcr.microsoft.com/v2/windows/blobs/x");
}

TEST_CASE("an OCI index parses with platforms", "[manifest][index]") {
  const Index index = ParseIndexOk(OciIndexJson(), std::string(kOciIndex));
  CHECK(index.media_type == kOciIndex);
  REQUIRE(index.manifests.size() == 5);
  CHECK(index.manifests[0].descriptor.digest == kAmd64);
  CHECK(index.manifests[0].descriptor.media_type == kOciManifest);
  REQUIRE(index.manifests[1].platform.has_value());
  CHECK(*index.manifests[1].platform == Platform{"linux", "arm64", "v8"});
  CHECK(*index.manifests[2].platform == Platform{"linux", "arm", "v7"});
  CHECK(*index.manifests[3].platform == Platform{"windows", "amd64", ""});
  CHECK(*index.manifests[4].platform == Platform{"unknown", "unknown", ""});
  CHECK(index.manifests[4].descriptor.annotations.at("vnd.docker.reference.type") ==
        "attestation-manifest");
}

TEST_CASE("a Docker manifest list parses", "[manifest][index]") {
  const Index index = ParseIndexOk(DockerListJson(), "application/json");
  CHECK(index.media_type == kDockerManifestList);
  REQUIRE(index.manifests.size() == 5);
  CHECK(index.manifests[2].descriptor.media_type == kDockerManifest);
  CHECK(index.manifests[2].descriptor.size == 1234);
}

TEST_CASE("the JSON mediaType wins over the Content-Type", "[manifest]") {
  // A registry that labels everything generically or wrongly.
  ParseManifestOk(kOciManifestJson, "application/octet-stream");
  ParseManifestOk(kOciManifestJson, std::string(kOciIndex));
  ParseIndexOk(OciIndexJson(), std::string(kDockerManifest) + "; charset=utf-8");
}

TEST_CASE("without mediaType the Content-Type names the kind", "[manifest]") {
  const std::string body =
      Replace(kDockerManifestJson,
              R"("mediaType": "application/vnd.docker.distribution.manifest.v2+json",)", "");
  const Manifest m =
      ParseManifestOk(body, " Application/VND.docker.distribution.manifest.v2+json ;q=1");
  CHECK(m.media_type == kDockerManifest);
}

TEST_CASE("without mediaType or Content-Type the kind is guessed from the fields", "[manifest]") {
  const std::string manifest_body = Replace(
      kOciManifestJson, R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", "");
  CHECK(ParseManifestOk(manifest_body).media_type == kOciManifest);
  CHECK(ParseManifestOk(manifest_body, "application/json").media_type == kOciManifest);

  const Index index = ParseIndexOk(IndexJson("", kOciManifest), "");
  CHECK(index.media_type == kOciIndex);
  CHECK(index.manifests.size() == 5);

  ExpectError(ParseManifestOrIndex(R"({"schemaVersion": 2, "foo": 1})", ""),
              StatusCode::kInvalidArgument, "neither");
}

TEST_CASE("schema 1 manifests are refused with FailedPrecondition", "[manifest][schema1]") {
  const std::string schema1 = R"({
   "schemaVersion": 1,
   "name": "library/hello-world",
   "tag": "latest",
   "architecture": "amd64",
   "fsLayers": [{"blobSum": ")" +
                              kLayer1 + R"("}],
   "history": [{"v1Compatibility": "{}"}],
   "signatures": []
})";
  SECTION("by schemaVersion 1 with a generic Content-Type") {
    ExpectError(ParseManifestOrIndex(schema1, "application/json"), StatusCode::kFailedPrecondition,
                "schema 1 manifests are not supported");
  }
  SECTION("by the signed media type") {
    ExpectError(ParseManifestOrIndex(schema1, std::string(kDockerSchema1SignedManifest)),
                StatusCode::kFailedPrecondition, "re-push the image with a current client");
  }
  SECTION("by the unsigned media type in the JSON") {
    const std::string body =
        R"({"mediaType": "application/vnd.docker.distribution.manifest.v1+json",
                                 "fsLayers": []})";
    ExpectError(ParseManifestOrIndex(body, ""), StatusCode::kFailedPrecondition,
                "schema 1 manifests are not supported (deprecated)");
  }
  SECTION("by the Content-Type even when the body is not JSON") {
    ExpectError(ParseManifestOrIndex("eyJhbGciOi...", std::string(kDockerSchema1Manifest)),
                StatusCode::kFailedPrecondition, "schema 1");
  }
}

TEST_CASE("unknown manifest media types are refused naming them", "[manifest]") {
  const std::string body = Replace(kOciManifestJson, "application/vnd.oci.image.manifest.v1+json",
                                   "application/vnd.example.manifest.v9+json");
  ExpectError(ParseManifestOrIndex(body, ""), StatusCode::kInvalidArgument,
              "application/vnd.example.manifest.v9+json");
  const std::string no_type = Replace(
      kOciManifestJson, R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", "");
  ExpectError(ParseManifestOrIndex(no_type, "application/vnd.oci.artifact.manifest.v1+json"),
              StatusCode::kInvalidArgument, "application/vnd.oci.artifact.manifest.v1+json");
  ExpectError(ParseManifestOrIndex(R"({"schemaVersion": 3, "manifests": []})", ""),
              StatusCode::kInvalidArgument, "schemaVersion");
}

TEST_CASE("oversized manifests are refused naming size and limit", "[manifest]") {
  std::string body = kOciManifestJson;
  body.append(kMaxManifestBytes, ' ');
  const auto result = ParseManifestOrIndex(body, std::string(kOciManifest));
  ExpectError(result, StatusCode::kResourceExhausted, std::to_string(body.size()));
  CHECK(MessageOf(result.status()).find(std::to_string(kMaxManifestBytes)) != std::string::npos);

  // Exactly at the limit is fine.
  std::string at_limit = kOciManifestJson;
  at_limit.append(kMaxManifestBytes - at_limit.size(), ' ');
  ParseManifestOk(at_limit);
}

TEST_CASE("malformed manifests name the field", "[manifest]") {
  SECTION("bad digests") {
    const std::string short_hex = "sha256:2d473b07";
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, kLayer1, short_hex), ""),
                StatusCode::kInvalidArgument, "layers[0].digest");
    ExpectError(
        ParseManifestOrIndex(
            Replace(kOciManifestJson, kConfigDigest, "md5:d41d8cd98f00b204e9800998ecf8427e"), ""),
        StatusCode::kInvalidArgument, "config.digest");
    std::string upper = kLayer2;
    upper[10] = 'A';
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, kLayer2, upper), ""),
                StatusCode::kInvalidArgument, "layers[1].digest");
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, kLayer1, std::string(71, 'a')), ""),
                StatusCode::kInvalidArgument, "layers[0].digest");
    // sha512 with 128 hex digits is fine.
    ParseManifestOk(Replace(kOciManifestJson, kLayer1, "sha512:" + std::string(128, 'e')));
    ExpectError(ParseManifestOrIndex(
                    Replace(kOciManifestJson, kLayer1, "sha512:" + std::string(64, 'e')), ""),
                StatusCode::kInvalidArgument, "layers[0].digest");
  }
  SECTION("bad sizes") {
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, "3623807", "-5"), ""),
                StatusCode::kInvalidArgument, "layers[0].size: is negative");
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, "3623807", "1.5"), ""),
                StatusCode::kInvalidArgument, "layers[0].size");
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, "3623807", "\"12\""), ""),
                StatusCode::kInvalidArgument, "layers[0].size");
    ExpectError(ParseManifestOrIndex(Replace(kOciManifestJson, "1470", "18446744073709551615"), ""),
                StatusCode::kInvalidArgument, "config.size");
  }
  SECTION("missing config") {
    const std::string body = R"({"schemaVersion": 2,
      "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []})";
    ExpectError(ParseManifestOrIndex(body, ""), StatusCode::kInvalidArgument, "config: missing");
  }
  SECTION("unknown layer media type") {
    ExpectError(ParseManifestOrIndex(
                    Replace(kOciManifestJson, "application/vnd.oci.image.layer.v1.tar+zstd",
                            "application/vnd.in-toto+json"),
                    ""),
                StatusCode::kInvalidArgument, "layers[1].mediaType");
  }
  SECTION("config that is not an image config") {
    ExpectError(
        ParseManifestOrIndex(Replace(kOciManifestJson, "application/vnd.oci.image.config.v1+json",
                                     "application/vnd.cncf.helm.config.v1+json"),
                             ""),
        StatusCode::kInvalidArgument, "application/vnd.cncf.helm.config.v1+json");
  }
  SECTION("wrong JSON types and bad JSON") {
    ExpectError(ParseManifestOrIndex(
                    Replace(kOciManifestJson, R"("layers": [)", R"("layers": {"x": [)"), ""),
                StatusCode::kInvalidArgument, "manifest");
    ExpectError(ParseManifestOrIndex(R"({"mediaType": 7})", ""), StatusCode::kInvalidArgument,
                "mediaType");
    ExpectError(ParseManifestOrIndex(std::string("{\"a\":1}\0junk", 11), ""),
                StatusCode::kInvalidArgument, "NUL");
    ExpectError(ParseManifestOrIndex(std::string(1000, '['), ""), StatusCode::kInvalidArgument,
                "deeper");
    ExpectError(ParseManifestOrIndex("", ""), StatusCode::kInvalidArgument, "empty");
  }
  SECTION("index entries") {
    ExpectError(ParseManifestOrIndex(Replace(OciIndexJson(), kArmV7, "sha256:xyz"), ""),
                StatusCode::kInvalidArgument, "manifests[2].digest");
    ExpectError(
        ParseManifestOrIndex(Replace(OciIndexJson(), R"({"architecture": "arm64", "os": "linux", )",
                                     R"({"architecture": "arm64", )"),
                             ""),
        StatusCode::kInvalidArgument, "manifests[1].platform.os");
    ExpectError(ParseManifestOrIndex(R"({"schemaVersion": 2,
      "mediaType": "application/vnd.oci.image.index.v1+json"})",
                                     ""),
                StatusCode::kInvalidArgument, "manifests: missing");
  }
  SECTION("kind and content disagree") {
    ExpectError(ParseManifestOrIndex(
                    Replace(OciIndexJson(), std::string(kOciIndex), std::string(kOciManifest)), ""),
                StatusCode::kInvalidArgument, "manifests");
  }
}

TEST_CASE("layer media types", "[manifest]") {
  for (const std::string_view type :
       {kOciLayerTar, kOciLayerGzip, kOciLayerZstd, kOciLayerNondistributableTar,
        kOciLayerNondistributableGzip, kOciLayerNondistributableZstd, kDockerLayerGzip,
        kDockerForeignLayerGzip}) {
    CHECK(IsSupportedLayerMediaType(type));
  }
  CHECK_FALSE(IsSupportedLayerMediaType("application/vnd.oci.image.layer.v1.tar+gzip+encrypted"));
  CHECK_FALSE(IsSupportedLayerMediaType("application/vnd.in-toto+json"));
  CHECK_FALSE(IsSupportedLayerMediaType(""));
}

TEST_CASE("digest syntax", "[manifest]") {
  CHECK(CheckDigest(kLayer1).ok());
  CHECK(CheckDigest("sha512:" + std::string(128, '0')).ok());
  CHECK_FALSE(CheckDigest("").ok());
  CHECK_FALSE(CheckDigest("sha256").ok());
  CHECK_FALSE(CheckDigest("sha256:").ok());
  CHECK_FALSE(CheckDigest("SHA256:" + std::string(64, '0')).ok());
  CHECK_FALSE(CheckDigest("sha256:" + std::string(63, '0') + "g").ok());
  CHECK_FALSE(CheckDigest("sha256:" + std::string(65, '0')).ok());
}

// --- platforms ------------------------------------------------------------------------------

TEST_CASE("selecting a platform from an OCI index and a Docker list", "[platform]") {
  for (const std::string& json : {OciIndexJson(), DockerListJson()}) {
    const Index index = ParseIndexOk(json);
    auto pick = [&](Platform want) {
      auto result = SelectPlatform(index, want);
      INFO(FormatPlatform(want) << ": " << result.status().ToString());
      REQUIRE(result.ok());
      return result->digest;
    };
    CHECK(pick({"linux", "amd64", ""}) == kAmd64);
    CHECK(pick({"linux", "x86_64", ""}) == kAmd64);
    CHECK(pick({"linux", "amd64", "v3"}) == kAmd64);  // amd64 (v1) runs on v3
    CHECK(pick({"linux", "arm64", "v8"}) == kArm64);
    CHECK(pick({"linux", "arm64", ""}) == kArm64);
    CHECK(pick({"linux", "aarch64", ""}) == kArm64);
    CHECK(pick({"linux", "arm", "v7"}) == kArmV7);
    CHECK(pick({"linux", "arm", ""}) == kArmV7);  // arm means v7
    CHECK(pick({"windows", "amd64", ""}) == kWindows);
    CHECK(pick({"Linux", "AMD64", ""}) == kAmd64);
    CHECK(pick(HostPlatform()) == kAmd64);
  }
}

TEST_CASE("no matching platform is NotFound listing what the index offers", "[platform]") {
  const Index index = ParseIndexOk(OciIndexJson());
  for (const Platform& want :
       {Platform{"linux", "riscv64", ""}, Platform{"linux", "arm", "v6"},
        Platform{"darwin", "arm64", ""}, Platform{"unknown", "unknown", ""}}) {
    const auto result = SelectPlatform(index, want);
    INFO(result.status().ToString());
    ExpectError(result, StatusCode::kNotFound, FormatPlatform(want));
    const std::string message = MessageOf(result.status());
    CHECK(message.find("linux/amd64, linux/arm64/v8, linux/arm/v7, windows/amd64") !=
          std::string::npos);
    // The attestation manifest is not a platform on offer.
    const size_t offers = message.find("offers");
    REQUIRE(offers != std::string::npos);
    CHECK(message.find("unknown", offers) == std::string::npos);
  }
  ExpectError(SelectPlatform(Index{}, {"linux", "amd64", ""}), StatusCode::kNotFound, "nothing");
}

TEST_CASE("variant preferences", "[platform]") {
  auto entry = [](std::string digest_char, Platform platform) {
    IndexEntry e;
    e.descriptor.media_type = std::string(kOciManifest);
    e.descriptor.digest = "sha256:" + std::string(64, digest_char[0]);
    e.platform = std::move(platform);
    return e;
  };
  auto pick = [](const Index& index, Platform want) {
    auto result = SelectPlatform(index, want);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    return result->digest.back();
  };
  SECTION("exact variant beats an empty one and a lower one") {
    Index index;
    index.manifests = {entry("a", {"linux", "arm", "v5"}), entry("b", {"linux", "arm", ""}),
                       entry("c", {"linux", "arm", "v6"}), entry("d", {"linux", "arm", "v7"})};
    CHECK(pick(index, {"linux", "arm", "v7"}) == 'd');
    CHECK(pick(index, {"linux", "arm", "v6"}) == 'c');
    CHECK(pick(index, {"linux", "arm", "v5"}) == 'a');
  }
  SECTION("arm v7 runs v6 and v5, preferring the higher") {
    Index index;
    index.manifests = {entry("a", {"linux", "arm", "v5"}), entry("c", {"linux", "arm", "v6"})};
    CHECK(pick(index, {"linux", "arm", "v7"}) == 'c');
    CHECK(pick(index, {"linux", "arm", "v5"}) == 'a');
    ExpectError(
        SelectPlatform(Index{{}, {entry("c", {"linux", "arm", "v7"})}}, {"linux", "arm", "v6"}),
        StatusCode::kNotFound, "linux/arm/v7");
  }
  SECTION("arm64 accepts v8 and empty, preferring the exact spelling") {
    Index index;
    index.manifests = {entry("a", {"linux", "arm64", ""}), entry("b", {"linux", "arm64", "v8"})};
    CHECK(pick(index, {"linux", "arm64", "v8"}) == 'b');
    CHECK(pick(index, {"linux", "arm64", ""}) == 'a');
    Index only_empty;
    only_empty.manifests = {entry("a", {"linux", "arm64", ""})};
    CHECK(pick(only_empty, {"linux", "arm64", "v8"}) == 'a');
  }
  SECTION("an entry with no variant serves any variant of its architecture") {
    Index index;
    index.manifests = {entry("a", {"linux", "amd64", ""})};
    CHECK(pick(index, {"linux", "amd64", "v2"}) == 'a');
  }
  SECTION("higher variants never serve lower ones") {
    Index index;
    index.manifests = {entry("a", {"linux", "amd64", "v3"})};
    ExpectError(SelectPlatform(index, {"linux", "amd64", ""}), StatusCode::kNotFound,
                "linux/amd64/v3");
  }
  SECTION("entries without a platform match last; non-manifest entries never") {
    Index index;
    IndexEntry bare = entry("a", {});
    bare.platform.reset();
    IndexEntry artifact = entry("b", {"linux", "amd64", ""});
    artifact.descriptor.media_type = "application/vnd.example.thing+json";
    index.manifests = {bare, artifact};
    CHECK(pick(index, {"linux", "amd64", ""}) == 'a');
    index.manifests.push_back(entry("c", {"linux", "amd64", ""}));
    CHECK(pick(index, {"linux", "amd64", ""}) == 'c');
  }
  SECTION("ties go to the first entry") {
    Index index;
    index.manifests = {entry("a", {"linux", "amd64", ""}), entry("b", {"linux", "amd64", ""})};
    CHECK(pick(index, {"linux", "amd64", ""}) == 'a');
  }
}

TEST_CASE("HostPlatform and uname machine mapping", "[platform]") {
  const Platform host = HostPlatform();
  CHECK(host.os == "linux");
  // This test machine is x86_64.
  CHECK(host == Platform{"linux", "amd64", ""});
  CHECK(FormatPlatform(host) == "linux/amd64");

  CHECK(PlatformForMachine("x86_64") == Platform{"linux", "amd64", ""});
  CHECK(PlatformForMachine("aarch64") == Platform{"linux", "arm64", "v8"});
  CHECK(PlatformForMachine("armv7l") == Platform{"linux", "arm", "v7"});
  CHECK(PlatformForMachine("armv6l") == Platform{"linux", "arm", "v6"});
  CHECK(PlatformForMachine("armv5tel") == Platform{"linux", "arm", "v5"});
  CHECK(PlatformForMachine("i686") == Platform{"linux", "386", ""});
  CHECK(PlatformForMachine("ppc64le") == Platform{"linux", "ppc64le", ""});
  CHECK(PlatformForMachine("s390x") == Platform{"linux", "s390x", ""});
  CHECK(PlatformForMachine("riscv64") == Platform{"linux", "riscv64", ""});
  CHECK(PlatformForMachine("loongarch64") == Platform{"linux", "loong64", ""});

  CHECK(NormalizePlatform({"linux", "aarch64", "v8"}) == Platform{"linux", "arm64", ""});
  CHECK(NormalizePlatform({"linux", "armhf", ""}) == Platform{"linux", "arm", "v7"});
  CHECK(NormalizePlatform({"linux", "arm", "6"}) == Platform{"linux", "arm", "v6"});
  CHECK(NormalizePlatform({"MacOS", "x86_64", "v1"}) == Platform{"darwin", "amd64", ""});
  CHECK(FormatPlatform({"linux", "arm", "v7"}) == "linux/arm/v7");
}

// --- image config ---------------------------------------------------------------------------

const std::string kConfigJson = R"({
  "architecture": "amd64",
  "os": "linux",
  "created": "2024-01-01T00:00:00Z",
  "config": {
    "User": "nginx:nginx",
    "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"],
    "Entrypoint": ["/docker-entrypoint.sh"],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "WorkingDir": "/srv",
    "Labels": {"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
    "StopSignal": "SIGQUIT",
    "Volumes": {"/var/cache/nginx": {}},
    "ArgsEscaped": true,
    "OnBuild": null
  },
  "rootfs": {
    "type": "layers",
    "diff_ids": [")" + kLayer1 + R"(", ")" +
                                kLayer2 + R"("]
  },
  "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "/bin/sh"}]
})";

TEST_CASE("an image config with a config object parses", "[config]") {
  auto parsed = ParseConfig(kConfigJson);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  const ImageConfig& c = *parsed;
  CHECK(c.os == "linux");
  CHECK(c.architecture == "amd64");
  CHECK(c.user == "nginx:nginx");
  CHECK(c.env.size() == 2);
  CHECK(c.env[1] == "NGINX_VERSION=1.25.3");
  CHECK(c.entrypoint == std::vector<std::string>{"/docker-entrypoint.sh"});
  CHECK(c.cmd == std::vector<std::string>{"nginx", "-g", "daemon off;"});
  CHECK(c.working_dir == "/srv");
  CHECK(c.stop_signal == "SIGQUIT");
  CHECK(c.labels.at("maintainer") == "NGINX Docker Maintainers <docker-maint@nginx.com>");
  CHECK(c.exposed_ports == std::set<std::string>{"443/tcp", "80/tcp"});
  CHECK(c.volumes == std::vector<std::string>{"/var/cache/nginx"});
  CHECK(c.diff_ids == std::vector<std::string>{kLayer1, kLayer2});

  const Manifest m = ParseManifestOk(kOciManifestJson);
  CHECK(CheckLayersMatch(m, c).ok());
}

TEST_CASE("an image config without a config object parses", "[config]") {
  const std::string body = R"({"architecture": "arm64", "variant": "v8", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": [")" +
                           kLayer1 + R"("]}})";
  auto parsed = ParseConfig(body);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  CHECK(parsed->architecture == "arm64");
  CHECK(parsed->user.empty());
  CHECK(parsed->cmd.empty());
  CHECK(parsed->entrypoint.empty());
  CHECK(parsed->diff_ids.size() == 1);
}

TEST_CASE("Docker's nulls in an image config are empty values", "[config]") {
  const std::string body = R"({"os": "linux", "architecture": "amd64",
    "config": {"User": "", "Env": null, "Cmd": null, "Entrypoint": null, "Labels": null,
               "ExposedPorts": null, "Volumes": null, "WorkingDir": ""},
    "rootfs": {"type": "layers", "diff_ids": []}})";
  auto parsed = ParseConfig(body);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  CHECK(parsed->labels.empty());
  CHECK(parsed->diff_ids.empty());
  auto null_config =
      ParseConfig(R"({"config": null, "rootfs": {"type": "layers", "diff_ids": []}})");
  CHECK(null_config.ok());
}

TEST_CASE("malformed image configs name the field", "[config]") {
  ExpectError(ParseConfig(R"({"os": "linux"})"), StatusCode::kInvalidArgument, "rootfs: missing");
  ExpectError(ParseConfig(R"({"rootfs": {"type": "layers"}})"), StatusCode::kInvalidArgument,
              "rootfs.diff_ids: missing");
  ExpectError(ParseConfig(R"({"rootfs": {"type": "tarball", "diff_ids": []}})"),
              StatusCode::kInvalidArgument, "rootfs.type");
  ExpectError(ParseConfig(R"({"rootfs": {"diff_ids": []}})"), StatusCode::kInvalidArgument,
              "rootfs.type");
  ExpectError(ParseConfig(R"({"rootfs": {"type": "layers", "diff_ids": ["sha256:abc"]}})"),
              StatusCode::kInvalidArgument, "rootfs.diff_ids[0]");
  ExpectError(ParseConfig(Replace(kConfigJson, R"("Cmd": ["nginx", "-g", "daemon off;"])",
                                  R"("Cmd": "nginx")")),
              StatusCode::kInvalidArgument, "config.Cmd");
  ExpectError(
      ParseConfig(Replace(kConfigJson, R"("maintainer": "NGINX)", R"("n": 5, "x": "NGINX)")),
      StatusCode::kInvalidArgument, "config.Labels");
  ExpectError(ParseConfig(R"({"config": [], "rootfs": {"type": "layers", "diff_ids": []}})"),
              StatusCode::kInvalidArgument, "config");
  ExpectError(ParseConfig("[]"), StatusCode::kInvalidArgument, "image config");
}

TEST_CASE("oversized image configs are refused", "[config]") {
  std::string body = kConfigJson;
  body.append(kMaxConfigBytes, ' ');
  const auto result = ParseConfig(body);
  ExpectError(result, StatusCode::kResourceExhausted, std::to_string(kMaxConfigBytes));
  CHECK(MessageOf(result.status()).find(std::to_string(body.size())) != std::string::npos);
}

TEST_CASE("diff_ids must be one per layer", "[config]") {
  const Manifest m = ParseManifestOk(kDockerManifestJson);  // two layers
  const std::string one = R"({"rootfs": {"type": "layers", "diff_ids": [")" + kLayer1 + R"("]}})";
  auto config = ParseConfig(one);
  REQUIRE(config.ok());
  const Status status = CheckLayersMatch(m, *config);
  ExpectError(status, StatusCode::kInvalidArgument, "2 layers");
  CHECK(MessageOf(status).find("has 1") != std::string::npos);
}

}  // namespace
}  // namespace cria::image::manifest

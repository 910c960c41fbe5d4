// Image manifests and indexes as a registry serves them: the OCI image manifest and index
// (OCI image spec v1.1) and Docker's image manifest v2 schema 2 and manifest list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "libs/status/status.h"

namespace cria::image::manifest {

inline constexpr size_t kMaxManifestBytes = 4 << 20;  // manifests and indexes
inline constexpr size_t kMaxConfigBytes = 8 << 20;

// Manifest and index media types.
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerSchema1Manifest =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1SignedManifest =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// Config media types.
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";

// Layer media types.
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kOciLayerNondistributableTar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciLayerNondistributableGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciLayerNondistributableZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

// A content descriptor: what a blob is, its digest and its size in bytes.
struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
};

// os/architecture/variant as Go spells them (GOOS, GOARCH): "linux", "arm64", "v8".
struct Platform {
  std::string os, architecture, variant;
  friend bool operator==(const Platform&, const Platform&) = default;
};

// A single-platform image: its config blob and its layers, base layer first.
struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct IndexEntry {
  Descriptor descriptor;
  std::optional<Platform> platform;
};

// A multi-platform image (OCI image index or Docker manifest list).
struct Index {
  std::string media_type;
  std::vector<IndexEntry> manifests;
};

// What a manifest fetch returned: a single-image manifest or an index/list.
using Parsed = std::variant<Manifest, Index>;

// Parses a manifest fetch's body. `content_type` is the HTTP Content-Type (may be empty or
// generic such as application/json; parameters after ';' are ignored); the JSON's own
// "mediaType" wins when present; without either, the kind is guessed from the fields
// ("manifests" => index, "layers" + "config" => manifest), as containerd does, and the
// result carries the OCI media type.
//
// Errors: schema 1 (by media type or "schemaVersion": 1) → FailedPrecondition; an unknown
// media type → InvalidArgument naming it; a body over kMaxManifestBytes → ResourceExhausted
// naming the size and the limit; malformed content (bad digest, negative size, missing
// config, unknown layer media type, wrong JSON types) → InvalidArgument naming the field.
Result<Parsed> ParseManifestOrIndex(std::string_view body, std::string_view content_type);

// Whether `media_type` is one of the layer media types cria can unpack: OCI tar, tar+gzip,
// tar+zstd and their nondistributable variants; Docker rootfs diff tar.gzip and foreign diff.
bool IsSupportedLayerMediaType(std::string_view media_type);

// Whether `media_type` is one of the four accepted manifest/index media types.
bool IsManifestMediaType(std::string_view media_type);
bool IsIndexMediaType(std::string_view media_type);

// OK if `digest` is "sha256:" + 64 or "sha512:" + 128 lowercase hex digits; otherwise
// InvalidArgument saying what is wrong with it.
Status CheckDigest(std::string_view digest);

}  // namespace cria::image::manifest

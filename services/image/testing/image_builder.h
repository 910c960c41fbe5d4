// Test-only image builder: turns an ImageSpec (layers + config fields) into a complete OCI or
// Docker schema 2 image (layer blobs, config JSON, manifest JSON and their digests), held in
// memory (Build) or as blob files in a directory for big benchmark images (BuildToDir), and
// multi-platform indexes over several built images (BuildIndex).
// Writers for registries and local formats are in image_push.h and image_layout.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"
#include "services/image/testing/layer_spec.h"

namespace cria::image::testing {

enum class ManifestFormat { kOci, kDockerSchema2 };

struct ImageSpec {
  std::vector<LayerSpec> layers;
  // The container defaults in the config's "config" object.
  std::vector<std::string> entrypoint, cmd, env;
  std::string user, working_dir, stop_signal;
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> volumes;        // "/data"
  // The image's platform; empty fields take the host's (manifest::HostPlatform()).
  std::string os, architecture, variant;
  ManifestFormat format = ManifestFormat::kOci;
  bool history = true;  // one config history entry per layer
  // Manifest annotations (OCI only).
  std::map<std::string, std::string> annotations;
};

// What a built image is, wherever its blobs live.
struct ImageInfo {
  std::string manifest_body;
  std::string manifest_media_type;
  std::string manifest_digest;
  std::string config_body;
  std::string config_digest;
  std::vector<std::string> layer_digests;  // base layer first
  std::vector<std::string> diff_ids;
  std::vector<std::string> layer_media_types;
  std::vector<int64_t> layer_sizes;
  manifest::Platform platform;
};

// An image with every blob (config and layers, not the manifest) in memory.
struct BuiltImage : ImageInfo {
  std::map<std::string, std::string> blobs;  // digest → content
};

// An image whose blobs are files: `dir`/blobs/sha256/<hex> (config and layers; the
// manifest is also written there, as its own blob).
struct BuiltImageFiles : ImageInfo {
  std::map<std::string, std::string> blob_paths;  // digest → absolute file path
};

// A multi-platform image: an OCI image index or a Docker manifest list over `images`.
struct BuiltIndex {
  std::vector<BuiltImage> images;
  std::vector<manifest::Platform> platforms;  // one per image
  std::string body;
  std::string media_type;
  std::string digest;
};

// Builds the image in memory. InvalidArgument for a Docker schema 2 image with a layer
// that is not gzip (Docker has no zstd or plain tar layer types the parsers accept);
// host-file errors (e.g. a missing /bin/busybox) keep their code.
Result<BuiltImage> Build(const ImageSpec& spec);

// Builds the image streaming each blob to `dir`/blobs/sha256/<hex> (created as needed), so
// layers of any size never sit in memory.
Status BuildToDir(const ImageSpec& spec, const std::string& dir, BuiltImageFiles* out);

// An index over `images` with the given platforms, in order; `docker_list` makes a Docker
// manifest list (then every image must be Docker schema 2), otherwise an OCI index.
Result<BuiltIndex> BuildIndex(std::vector<std::pair<manifest::Platform, BuiltImage>> images,
                              bool docker_list = false);

// "sha256:<hex>" → "<hex>".
std::string HexOf(const std::string& digest);

}  // namespace cria::image::testing

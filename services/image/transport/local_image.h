// An image opened from a local transport (oci:, oci-archive:, docker-archive:): its
// verified manifest, config and layer files, the names to tag it with, and the private
// scratch directory an archive was unpacked into (removed with the object).
#pragma once

#include <string>
#include <vector>

#include "services/image/manifest/config.h"
#include "services/image/manifest/manifest.h"

namespace cria::image::transport {

// A directory owned by one object and removed (with its content) by its destructor.
// Move-only; an empty path owns nothing.
class ScratchDir {
 public:
  ScratchDir() = default;
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&& other) noexcept;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::string& path() const { return path_; }

 private:
  void Remove();
  std::string path_;
};

struct LocalImage {
  manifest::Manifest manifest;
  // The manifest as stored (oci, oci-archive) or as synthesized from manifest.json
  // (docker-archive: an OCI manifest), and the sha256 digest of that body.
  std::string manifest_body;
  std::string manifest_digest;
  std::string config_body;
  manifest::ImageConfig config;
  // Per manifest layer, base first: the absolute path of its blob, whose sha256 and size
  // were checked against the manifest's descriptor when the image was opened.
  std::vector<std::string> layer_paths;
  // Full references to tag the image with (reference::Reference::String()), normalized.
  std::vector<std::string> names;
  // Where an archive was unpacked; layer_paths point inside it. Empty for oci: layouts.
  ScratchDir scratch;
};

}  // namespace cria::image::transport

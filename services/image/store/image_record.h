// One stored image (DESIGN.md section 3): <state_dir>/image/images/<id hex>.json. The image
// id is the digest of its config blob; the config and manifest bodies are kept beside the
// records as blobs, so ImageStatus can show them and a container can be made without a
// registry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::image::store {

struct ImageRecord {
  std::string id;                         // "sha256:<hex>" of the config blob
  std::vector<std::string> repo_tags;     // "docker.io/library/busybox:latest"
  std::vector<std::string> repo_digests;  // "docker.io/library/busybox@sha256:<manifest>"
  std::string manifest_digest;            // the single-platform manifest pulled
  std::vector<std::string> chain_ids;     // storage chain ID of each layer, bottom first
  uint64_t size = 0;                      // bytes of the uncompressed layers
  int64_t created_unix_nano = 0;          // when it was stored here
  std::string source;                     // where it came from: a registry ref or transport

  // Chain ID of the top layer; empty for an image without layers.
  std::string TopLayer() const { return chain_ids.empty() ? "" : chain_ids.back(); }
};

rapidjson::Document ToJson(const ImageRecord& record);
// DataLoss naming the field for a record that is not one cria-image wrote.
Result<ImageRecord> FromJson(const rapidjson::Value& doc);

}  // namespace cria::image::store

// Test-only tar writer: a LayerSpec as a deterministic pax (restricted) tar via libarchive,
// optionally compressed, with the layer's diffID and blob digest computed as it streams.
#pragma once

#include <cstdint>
#include <string>

#include "libs/status/status.h"
#include "services/image/testing/compressor.h"
#include "services/image/testing/layer_spec.h"

namespace cria::image::testing {

struct LayerBlobInfo {
  std::string digest;   // "sha256:<hex>" of the blob as stored (compressed)
  std::string diff_id;  // "sha256:<hex>" of the uncompressed tar
  int64_t size = 0;     // blob bytes
  int64_t tar_size = 0;
};

// Streams `spec` as a tar compressed per spec.compression into `sink`. Entry names are
// written exactly as given (even "../x" or "/abs", for bad-input tests). NotFound when a
// host file is missing; sink errors are passed on.
Result<LayerBlobInfo> WriteLayer(const LayerSpec& spec, const ByteSink& sink);

// `spec` as a file at `path` (created or truncated, mode 0644), compressed per
// spec.compression.
Result<LayerBlobInfo> WriteLayerFile(const LayerSpec& spec, const std::string& path);

// A LayerSpec (no compression) listing the directory tree under `dir`: directories and
// regular files (as host files), in sorted order, with paths relative to `dir`; other
// kinds are skipped. For packing OCI layouts and docker-save trees into archives.
Result<LayerSpec> SpecOfDirectory(const std::string& dir);

}  // namespace cria::image::testing

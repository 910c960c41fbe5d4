// Applies one OCI layer blob onto the directory that is the layer's own root, without
// ever writing outside it. See apply.cc for the steps.
#pragma once

#include <cstdint>
#include <string>

#include "libs/status/status.h"

namespace cria::storage::layers {

// What OCI whiteout entries (.wh.NAME, .wh..wh..opq) become.
enum class WhiteoutMode {
  // Overlay whiteouts: a 0/0 character device for .wh.NAME, the xattr
  // trusted.overlay.opaque=y on the directory for .wh..wh..opq.
  kOverlay,
  // Real deletions in `root`, which already holds a full copy of the parent (vfs driver).
  kDelete,
};

struct ApplyOptions {
  WhiteoutMode whiteouts = WhiteoutMode::kOverlay;
  // false: a character or block device entry is InvalidArgument naming it.
  bool allow_devices = true;
  // "sha256:<hex>"; empty: not checked.
  std::string expected_diff_id;
};

struct ApplyResult {
  // sha256 of the uncompressed tar stream, "sha256:<hex>".
  std::string diff_id;
  uint64_t uncompressed_size = 0;
  // Tar entries read (whiteout entries included).
  uint64_t entries = 0;
};

// Applies the blob at `blob_path` (gzip, zstd or plain tar, detected by magic bytes) into
// the existing directory `root`. Every entry name is resolved as if `root` were "/". On
// failure `root` may hold part of the layer; the caller applies into a temporary
// directory and removes it.
Result<ApplyResult> ApplyLayer(const std::string& blob_path, const std::string& root,
                               const ApplyOptions& options);

}  // namespace cria::storage::layers

// Unpacking an image archive (oci-archive, docker-archive) into a private directory with
// libarchive, refusing anything that could write outside it: only regular files and
// directories are created; absolute names, ".." components, symlinks, hardlinks, devices,
// FIFOs and sockets are refused with InvalidArgument naming the entry.
#pragma once

#include <cstdint>
#include <string>

#include "libs/status/status.h"

namespace cria::image::transport {

struct ExtractOptions {
  // Refuse (ResourceExhausted) when the file content would exceed this many bytes; 0: no cap.
  uint64_t max_total_bytes = 0;
  // Refuse (ResourceExhausted) archives with more entries than this; 0: no cap.
  uint64_t max_entries = 1'000'000;
};

// Extracts the tar at `archive_path` (uncompressed, or gzip/zstd/xz/bzip2 compressed) into
// `dest_dir`, an existing empty directory. Leading "./" and "." components are dropped;
// parent directories are created as needed (0755); files get mode 0644. A later entry for
// the same file replaces it. NotFound if the archive is missing; InvalidArgument when it is
// not a tar or is truncated. On error, `dest_dir` may hold part of the content.
Status ExtractArchive(const std::string& archive_path, const std::string& dest_dir,
                      const ExtractOptions& options = {});

}  // namespace cria::image::transport

// Reading blobs of local images (OCI layout blobs, docker-archive files) and checking them
// against their digests and sizes before anything uses them (DESIGN.md section 10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"

namespace cria::image::transport {

struct FileDigest {
  std::string digest;  // "<algorithm>:<hex>"
  int64_t size = 0;
};

// Streams the regular file `path` through a hasher for `algorithm_of` ("sha256:..." or
// another digest whose algorithm to use). Errors: the open/read errno (NotFound naming a
// missing file); FailedPrecondition for a non-regular file.
Result<FileDigest> HashFile(const std::string& path, const std::string& algorithm_of);

// The content of `path`, at most `max_bytes` (ResourceExhausted naming the file beyond it).
Result<std::string> ReadCapped(const std::string& path, size_t max_bytes);

// The path of blob `digest` in the OCI layout `dir`: dir/blobs/<algorithm>/<hex>, after
// manifest::CheckDigest (so the name cannot leave the layout).
Result<std::string> BlobPath(const std::string& dir, const std::string& digest);

// Reads blob `descriptor` of layout `dir` (at most `max_bytes`) and checks its digest and
// size: DataLoss naming the blob when either differs.
Result<std::string> ReadVerifiedBlob(const std::string& dir, const manifest::Descriptor& descriptor,
                                     size_t max_bytes);

// Hashes the file `path` of `descriptor` and checks digest and size: DataLoss naming
// `what` and both digests (or sizes) when they differ.
Status VerifyFile(const std::string& path, const manifest::Descriptor& descriptor,
                  const std::string& what);

}  // namespace cria::image::transport

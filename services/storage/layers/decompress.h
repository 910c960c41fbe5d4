// Streaming decompression of a layer blob: gzip (ISA-L igzip), zstd (libzstd) or plain
// tar, chosen by the blob's magic bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria::storage::layers {

enum class Compression { kNone, kGzip, kZstd };

// The compression of a stream that starts with `head` (as many bytes as are available;
// four are enough). Anything that is neither gzip nor zstd is taken as plain tar.
Compression DetectCompression(std::string_view head);

std::string_view CompressionName(Compression compression);

// A source of uncompressed bytes.
class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Fills up to `capacity` bytes of `out`; returns how many, 0 only at the end of the
  // stream. A truncated or corrupt stream is DataLoss (truncation) or InvalidArgument.
  virtual Result<size_t> Read(uint8_t* out, size_t capacity) = 0;
  virtual Compression compression() const = 0;
};

// Opens the blob at `path` and picks the decompressor from its first bytes.
Result<std::unique_ptr<Decompressor>> OpenDecompressor(const std::string& path);

}  // namespace cria::storage::layers

// Test-only streaming compression for layer blobs: gzip (zlib, deterministic header) and
// zstd (libzstd), or a pass-through, each feeding a downstream sink.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "libs/status/status.h"
#include "services/image/testing/layer_spec.h"

namespace cria::image::testing {

// A destination for bytes; an error stops the producer.
using ByteSink = std::function<Status(const char* data, size_t size)>;

class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual Status Write(const char* data, size_t size) = 0;
  // Flushes the end of the stream to the sink. Call once, after the last Write.
  virtual Status Finish() = 0;
};

// `level` -1 means the library default (gzip 6, zstd 3).
Result<std::unique_ptr<Compressor>> NewCompressor(Compression compression, int level,
                                                  ByteSink sink);

}  // namespace cria::image::testing

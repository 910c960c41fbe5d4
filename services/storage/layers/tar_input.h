// The uncompressed tar stream of a layer as libarchive reads it: bytes come from a
// Decompressor, are hashed (the diffID) and counted on their way to libarchive.
#pragma once

#include <archive.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libs/digest/digest.h"
#include "libs/status/status.h"
#include "services/storage/layers/decompress.h"

namespace cria::storage::layers {

class TarInput {
 public:
  explicit TarInput(std::unique_ptr<Decompressor> source);

  // Attaches this input to a libarchive reader (archive_read_open with this object as
  // client data). The TarInput must outlive the reader's use.
  Status OpenArchive(struct archive* reader);

  // Reads, hashes and counts whatever libarchive has not consumed, up to the end of the
  // stream (the zero blocks and padding after the end-of-archive marker included).
  Status DrainToEnd();

  // The first read error, if any (libarchive only sees "read failed").
  const Status& error() const { return error_; }
  uint64_t size() const { return size_; }
  // "sha256:<hex>" of every byte read; call after DrainToEnd.
  Result<std::string> Finish() { return sha256_.Finish(); }

 private:
  static la_ssize_t ReadCallback(struct archive* reader, void* self, const void** buffer);
  Result<size_t> ReadChunk();

  std::unique_ptr<Decompressor> source_;
  std::vector<uint8_t> buffer_;
  digest::DigestHasher sha256_ = digest::DigestHasher::Sha256();
  uint64_t size_ = 0;
  Status error_;
};

}  // namespace cria::storage::layers

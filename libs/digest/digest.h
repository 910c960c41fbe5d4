// Streaming content digests (OCI descriptors, layer diffIDs, chain IDs) ("sha256:<hex>") with
// OpenSSL, for verifying blobs and manifests as they arrive.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria::digest {

class DigestHasher {
 public:
  // A hasher for the algorithm of `digest` ("sha256:...", "sha384:...", "sha512:...");
  // InvalidArgument for any other algorithm or a digest without ':'.
  static Result<DigestHasher> ForDigest(std::string_view digest);
  // A sha256 hasher.
  static DigestHasher Sha256();

  DigestHasher(DigestHasher&&) noexcept;
  DigestHasher& operator=(DigestHasher&&) noexcept;
  ~DigestHasher();

  void Update(const void* data, size_t size);
  // "algorithm:<lowercase hex>" of everything passed to Update. Call once.
  std::string Finish();

 private:
  struct State;
  explicit DigestHasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// "sha256:<hex>" of `data`.
std::string Sha256Digest(std::string_view data);

}  // namespace cria::digest

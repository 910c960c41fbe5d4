// Streaming SHA-256 of a byte stream, for layer diffIDs.
#pragma once

#include <cstddef>
#include <string>

#include "libs/status/status.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace cria::storage::layers {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  // The digest of everything passed to Update, as "sha256:<64 lowercase hex>".
  // Call once; the object is spent afterwards.
  Result<std::string> Finish();

 private:
  EVP_MD_CTX* ctx_;
  bool failed_ = false;
};

}  // namespace cria::storage::layers

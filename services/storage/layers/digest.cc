#include "services/storage/layers/digest.h"

#include <openssl/evp.h>

namespace cria::storage::layers {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  failed_ = ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const void* data, size_t size) {
  if (failed_ || size == 0) return;
  failed_ = EVP_DigestUpdate(ctx_, data, size) != 1;
}

Result<std::string> Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (failed_ || EVP_DigestFinal_ex(ctx_, digest, &length) != 1) {
    failed_ = true;
    return absl::InternalError("sha256: OpenSSL digest failed");
  }
  failed_ = true;  // EVP contexts cannot be finalised twice.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace cria::storage::layers

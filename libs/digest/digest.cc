#include "libs/digest/digest.h"

#include <openssl/evp.h>

#include <utility>

namespace cria::digest {

struct DigestHasher::State {
  std::string algorithm;
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

DigestHasher::DigestHasher(std::unique_ptr<State> state) : state_(std::move(state)) {}
DigestHasher::DigestHasher(DigestHasher&&) noexcept = default;
DigestHasher& DigestHasher::operator=(DigestHasher&&) noexcept = default;
DigestHasher::~DigestHasher() = default;

Result<DigestHasher> DigestHasher::ForDigest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError("digest " + std::string(digest) + " has no algorithm");
  }
  std::string algorithm(digest.substr(0, colon));
  const EVP_MD* md = nullptr;
  if (algorithm == "sha256") {
    md = EVP_sha256();
  } else if (algorithm == "sha384") {
    md = EVP_sha384();
  } else if (algorithm == "sha512") {
    md = EVP_sha512();
  } else {
    return absl::InvalidArgumentError("digest " + std::string(digest) +
                                      " uses an unsupported algorithm " + algorithm);
  }
  auto state = std::make_unique<State>();
  state->algorithm = algorithm;
  state->ctx = EVP_MD_CTX_new();
  if (state->ctx == nullptr || EVP_DigestInit_ex(state->ctx, md, nullptr) != 1) {
    return absl::InternalError("cannot initialise " + algorithm + " hasher");
  }
  return DigestHasher(std::move(state));
}

DigestHasher DigestHasher::Sha256() { return std::move(ForDigest("sha256:").value()); }

void DigestHasher::Update(const void* data, size_t size) {
  EVP_DigestUpdate(state_->ctx, data, size);
}

std::string DigestHasher::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = state_->algorithm + ":";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

std::string Sha256Digest(std::string_view data) {
  DigestHasher hasher = DigestHasher::Sha256();
  hasher.Update(data.data(), data.size());
  return hasher.Finish();
}

}  // namespace cria::digest

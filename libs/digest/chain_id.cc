#include "libs/digest/chain_id.h"

#include "libs/digest/digest.h"

namespace cria::digest {

bool IsDigest(const std::string& text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (text.size() != kPrefix.size() + 64 || text.compare(0, kPrefix.size(), kPrefix) != 0) {
    return false;
  }
  for (size_t i = kPrefix.size(); i < text.size(); ++i) {
    char c = text[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string DigestHex(const std::string& digest) { return digest.substr(digest.find(':') + 1); }

Result<std::string> ChainId(const std::string& parent, const std::string& diff_id) {
  if (!IsDigest(diff_id)) {
    return Status(StatusCode::kInvalidArgument, "\"" + diff_id + "\" is not a sha256 digest");
  }
  if (parent.empty()) return diff_id;
  if (!IsDigest(parent)) {
    return Status(StatusCode::kInvalidArgument, "\"" + parent + "\" is not a sha256 chain ID");
  }
  return digest::Sha256Digest(parent + " " + diff_id);
}

}  // namespace cria::digest

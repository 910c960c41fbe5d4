// OCI chain IDs: the identity of a layer together with everything below it.
//   ChainID(L0) = DiffID(L0);  ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::digest {

// `parent` is empty for a bottom layer. Both are "sha256:<64 hex>".
Result<std::string> ChainId(const std::string& parent, const std::string& diff_id);

// True for "sha256:" followed by 64 lowercase hex digits.
bool IsDigest(const std::string& text);

// The 64 hex digits of a digest (its directory and record name).
std::string DigestHex(const std::string& digest);

}  // namespace cria::digest

#include "services/image/store/lookup.h"

#include <algorithm>

namespace cria::image::store {
namespace {

// An id or id prefix: hex digits only (at least 3), or "sha256:" + hex.
bool LooksLikeId(std::string_view text) {
  if (text.rfind("sha256:", 0) == 0) return true;
  return text.size() >= 3 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<std::vector<reference::Reference>> Candidates(std::string_view text,
                                                     const NameRules& rules) {
  if (!reference::IsShortName(text)) {
    CRIA_ASSIGN_OR_RETURN(reference::Reference ref, reference::ParseNormalized(text), "");
    return std::vector<reference::Reference>{ref};
  }
  return reference::ResolveShortName(text, rules.search_registries, rules.aliases);
}

std::string StoredName(const reference::Reference& ref) {
  if (!ref.digest.empty()) return ref.NameOnly() + "@" + ref.digest;
  return ref.NameOnly() + ":" + ref.tag;
}

Result<ImageRecord> FindImage(const ImageStore& store, std::string_view text,
                              const NameRules& rules) {
  if (text.empty()) return Status(StatusCode::kInvalidArgument, "no image given");
  if (LooksLikeId(text)) {
    Result<ImageRecord> by_id = store.FindById(text);
    if (by_id.ok() || by_id.status().code() != StatusCode::kNotFound) return by_id;
  }
  Result<std::vector<reference::Reference>> candidates = Candidates(text, rules);
  if (candidates.ok()) {
    for (const reference::Reference& ref : *candidates) {
      if (std::optional<ImageRecord> found = store.FindByName(StoredName(ref))) return *found;
    }
  } else if (!LooksLikeId(text)) {
    return candidates.status();
  }
  return Status(StatusCode::kNotFound, "image \"" + std::string(text) + "\" not found");
}

}  // namespace cria::image::store

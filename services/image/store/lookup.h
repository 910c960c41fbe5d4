// Finding a stored image from the text a client gives (CRI ImageSpec.image): an id, a
// unique id prefix, a name (normalised, short names through the search registries and
// aliases) or name@digest.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"
#include "services/image/reference/reference.h"
#include "services/image/store/image_store.h"

namespace cria::image::store {

struct NameRules {
  std::vector<std::string> search_registries;
  std::map<std::string, std::string> aliases;
};

// The references `text` may mean, in order: itself when fully qualified, else one per
// alias or search registry.
Result<std::vector<reference::Reference>> Candidates(std::string_view text, const NameRules& rules);

// The stored name a reference matches: "registry/repo@digest" when it has a digest,
// else "registry/repo:tag".
std::string StoredName(const reference::Reference& ref);

// NotFound naming `text` when no image matches; InvalidArgument for an ambiguous id prefix.
Result<ImageRecord> FindImage(const ImageStore& store, std::string_view text,
                              const NameRules& rules);

}  // namespace cria::image::store

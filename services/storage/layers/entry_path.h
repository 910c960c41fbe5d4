// Entry names of a layer tar, split into the parent to resolve and the final component
// to create, with the kernel's length limits enforced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::storage::layers {

struct EntryPath {
  // Components joined by '/', "" for the root. May hold ".." (clamped at the root when
  // resolved); never "." or empty components.
  std::string parent;
  // The final component; "" when the name is the root itself ("./", "/").
  std::string base;
};

// InvalidArgument when `name` is PATH_MAX bytes or longer or has a component over
// NAME_MAX bytes.
Result<EntryPath> ParseEntryPath(std::string_view name);

// The non-empty components of `path` other than ".".
std::vector<std::string> SplitPath(std::string_view path);

// `name` for messages: at most the first 128 bytes, "..." marking a cut.
std::string DescribeName(std::string_view name);

}  // namespace cria::storage::layers

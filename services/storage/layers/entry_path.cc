#include "services/storage/layers/entry_path.h"

#include <limits.h>

namespace cria::storage::layers {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> components;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (!component.empty() && component != ".") components.emplace_back(component);
    start = end + 1;
  }
  return components;
}

std::string DescribeName(std::string_view name) {
  constexpr size_t kMax = 128;
  if (name.size() <= kMax) return std::string(name);
  return std::string(name.substr(0, kMax)) + "...";
}

Result<EntryPath> ParseEntryPath(std::string_view name) {
  if (name.size() >= PATH_MAX) {
    return absl::InvalidArgumentError("name of " + std::to_string(name.size()) +
                                      " bytes is over the limit of " +
                                      std::to_string(PATH_MAX - 1));
  }
  std::vector<std::string> components = SplitPath(name);
  EntryPath path;
  for (size_t i = 0; i < components.size(); ++i) {
    if (components[i].size() > NAME_MAX) {
      return absl::InvalidArgumentError("a component of " + std::to_string(components[i].size()) +
                                        " bytes is over the limit of " + std::to_string(NAME_MAX));
    }
    if (i + 1 == components.size()) {
      path.base = components[i];
    } else {
      if (!path.parent.empty()) path.parent += '/';
      path.parent += components[i];
    }
  }
  return path;
}

}  // namespace cria::storage::layers

// Recursive removal relative to a directory fd, never following symlinks.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::storage::layers {

// Removes `name` in `dir_fd` and, for a directory, everything under it. A missing name
// is OK.
Status RemoveAllAt(int dir_fd, const std::string& name);

// Removes the children of `dir_fd` for which `keep(name)` is false.
template <typename Keep>
Status RemoveChildrenAt(int dir_fd, const Keep& keep);

// Implementation detail of RemoveChildrenAt: the names in the directory.
Result<std::vector<std::string>> ListDirectory(int dir_fd);

template <typename Keep>
Status RemoveChildrenAt(int dir_fd, const Keep& keep) {
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir_fd), "");
  for (const std::string& name : names) {
    if (!keep(name)) CRIA_RETURN_IF_ERROR(RemoveAllAt(dir_fd, name), "");
  }
  return OkStatus();
}

}  // namespace cria::storage::layers

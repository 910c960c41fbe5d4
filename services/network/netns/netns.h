// Pod network namespaces pinned by a bind mount, as `ip netns add`, CRI-O's pinns and
// containerd do: the namespace lives as long as the mount at <run_dir>/netns/<pod_id>,
// with no process in it.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::netns {

// Creates a new network namespace with its loopback interface up, pinned at `path`
// (whose directory must exist). On failure nothing is left at `path`.
Status Create(const std::string& path);

// Unmounts and deletes the pin at `path`. A missing path is OK; a path that is not a
// pin (no mount there) is just deleted.
Status Remove(const std::string& path);

// True when `path` is a mounted network namespace.
bool IsPinned(const std::string& path);

// The names in `dir` (pins or leftovers of a crash between creating the file and
// mounting it).
std::vector<std::string> List(const std::string& dir);

}  // namespace cria::network::netns

// Opening directories inside a layer root as if the root were "/": openat2 with
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so a leading '/' is ignored, ".." stops at the
// root and symlinks (absolute ones too) are followed inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "libs/fd/unique_fd.h"
#include "libs/status/status.h"

namespace cria::storage::layers {

// openat2(dirfd, path, {flags, 0, resolve}), retried on EINTR/EAGAIN; -1 and errno set on
// failure.
int OpenAt2(int dirfd, const std::string& path, int flags, uint64_t resolve);

// The directory `path` inside `root_fd` ("" is the root itself), opened O_RDONLY.
// ENOENT/ENOTDIR come back as NotFound.
Result<UniqueFd> OpenDirInRoot(int root_fd, const std::string& path);

// Called for every directory MkdirAllInRoot creates: its parent and its name.
using CreatedDirFn = std::function<void(int parent_fd, const std::string& name)>;

// As OpenDirInRoot, creating missing directories (mode 0755, owned by the caller) one
// component at a time with mkdirat on an already-resolved parent. A dangling symlink on
// the way is followed by creating its target, inside the root.
Result<UniqueFd> MkdirAllInRoot(int root_fd, const std::string& path,
                                const CreatedDirFn& on_created);

}  // namespace cria::storage::layers

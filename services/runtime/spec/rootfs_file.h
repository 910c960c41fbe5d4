// Reading a small file of a container's root filesystem without ever leaving it: the path
// is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so "..", absolute
// symlinks and /proc magic links all stay inside `root`, as if `root` were "/".
#pragma once

#include <cstddef>
#include <string>

#include "libs/fd/unique_fd.h"
#include "libs/status/status.h"

namespace cria::runtime::spec {

// The content of the regular file `path` (e.g. "/etc/passwd") inside the directory `root`.
// NotFound if it does not exist there; FailedPrecondition if it is not a regular file;
// OutOfRange if it holds more than `max_bytes`.
Result<std::string> ReadFileInRoot(const std::string& root, const std::string& path,
                                   size_t max_bytes);

// `path` inside the directory `root` opened with `flags` (O_CLOEXEC added), resolved as
// ReadFileInRoot does. NotFound if it does not exist there; FailedPrecondition if a part
// of it is not a directory where one is needed (O_DIRECTORY on a file, say).
Result<UniqueFd> OpenInRoot(const std::string& root, const std::string& path, int flags);

// The host path of `path` inside the directory `root`, resolved as ReadFileInRoot does
// (symlinks and ".." never leave `root`), for a bind mount of part of a root filesystem:
// `root` itself or a path below it with no symlink left in it. NotFound if it does not
// exist there.
Result<std::string> ResolveInRoot(const std::string& root, const std::string& path);

}  // namespace cria::runtime::spec

// Image VOLUMEs start with what the image has at their path, as with Docker and
// containerd: each gets an empty directory of its own (docs/runtime-spec.md), into which
// the image's content at that path is copied before the container is created.
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::runtime::containers {

// Copies the directory `path` of the root filesystem `rootfs` (resolved inside it, as
// spec::ResolveInRoot does) into the empty directory `volume`, which also takes its owner,
// mode and times: files, directories, symlinks (as links), device nodes and FIFOs, with
// their owners, modes and times (not extended attributes; sockets are left out). Nothing
// when the image has no directory at `path`. An error names the entry it could not copy.
Status CopyVolumeContent(const std::string& rootfs, const std::string& path,
                         const std::string& volume);

}  // namespace cria::runtime::containers

// SELinux relabelling of bind-mount sources that ask for it (CRI Mount.selinux_relabel),
// as CRI-O does: the host path and everything below it get the container's mount label, so
// the confined container may use them. Only on hosts with SELinux enabled; elsewhere a
// relabel request is a no-op, as with CRI-O and containerd.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::containers {

// Sets the security.selinux attribute of each path and of everything below it (symlinks
// themselves, never what they point to; no crossing into other filesystems) to `label`.
// Paths whose relabelling would break the host ("/", "/etc", "/usr", ... and their
// parents) are refused with InvalidArgument before anything is changed.
Status RelabelTrees(const std::vector<std::string>& paths, const std::string& label);

}  // namespace cria::runtime::containers

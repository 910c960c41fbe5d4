// Whether the host mount holding a bind source can propagate as a CRI mount asks: rshared
// needs a shared mount point, rslave a shared or slave one (as containerd's ensureShared /
// ensureSharedOrSlave). The caller reads /proc/self/mountinfo and passes its text.
#pragma once

#include <string_view>

#include "libs/status/status.h"
#include "services/runtime/spec/mounts.h"

namespace cria::runtime::spec {

// OK when the mount point that `check.host_path` lives on (the longest mount point that is
// a prefix of it; the last one listed when several are stacked) propagates as needed.
// FailedPrecondition naming the path, its mount point and what it lacks; NotFound if no
// mount holds the path. `check.host_path` must be absolute and free of symlinks.
Status CheckPropagation(const PropagationCheck& check, std::string_view mountinfo);

}  // namespace cria::runtime::spec

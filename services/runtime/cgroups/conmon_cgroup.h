// Where conmon processes live: outside cria-runtime's own cgroup (DESIGN.md section 4), so
// that `systemctl restart cria-runtime` with KillMode=control-group never kills them or
// their containers. systemd tracks a unit by its cgroup in the unified hierarchy (cgroup v2)
// or in the name=systemd hierarchy (v1); conmon is moved to a cgroup of its own,
// "cria-conmon", at the top of that hierarchy.
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::runtime::cgroups {

// The cgroup.procs file conmon processes are written to (the cgroup is created when
// missing), or "" when the host has neither hierarchy. `root` is /sys/fs/cgroup (tests
// may pass another).
Result<std::string> PrepareConmonCgroup(const std::string& root = "/sys/fs/cgroup");

}  // namespace cria::runtime::cgroups

// Where conmon processes live: outside cria-runtime's own cgroup (DESIGN.md section 4), so
// that `systemctl restart cria-runtime` with KillMode=control-group never kills them or
// their containers. systemd tracks a unit by its cgroup in the unified hierarchy (cgroup
// v2, and the v2 hierarchy of a "hybrid" host, /sys/fs/cgroup/unified) and, on v1 hosts,
// in the name=systemd hierarchy; conmon is moved to a cgroup of its own, "cria-conmon", at
// the top of each of those it finds.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::cgroups {

// The cgroup.procs files conmon processes are written to (each cgroup is created when
// missing); none when the host has none of those hierarchies. `root` is /sys/fs/cgroup
// and `name` cria-conmon (tests may pass others).
Result<std::vector<std::string>> PrepareConmonCgroups(const std::string& root = "/sys/fs/cgroup",
                                                      const std::string& name = "cria-conmon");

}  // namespace cria::runtime::cgroups

// crun 1.8 refuses to run anything on a "hybrid" cgroup host whose cgroup2 hierarchy
// (/sys/fs/cgroup/unified) holds controllers: "cgroups in hybrid mode not supported, drop
// all controllers from cgroupv2" (this machine's holds hugetlb). runc accepts such hosts.
// Tests and benchmarks of crun therefore run in a mount namespace of their own where that
// hierarchy is not mounted, so the host looks like plain cgroup v1 to everything started
// from there (the daemons, conmon, crun). The namespace is private: mounts the daemons
// make inside it die with it, and are checked for leaks from inside it. A tmpfs of its own
// takes the hierarchy's place (crun writes directories there).
#pragma once

#include "libs/status/status.h"

namespace cria::testing {

// True when the host is hybrid with controllers in its cgroup2 hierarchy.
bool HybridCgroup2HasControllers();

// When HybridCgroup2HasControllers(): moves the calling process (call it before starting
// threads or children) into a new private mount namespace without /sys/fs/cgroup/unified,
// and returns true. Returns false when nothing was needed; an error when hiding failed.
Result<bool> HideCgroup2ForCrun();

}  // namespace cria::testing

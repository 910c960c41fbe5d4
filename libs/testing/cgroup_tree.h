// The cgroup parent a test or benchmark gives its pods ("/cria-bench-<pid>"), in every
// hierarchy mounted under /sys/fs/cgroup (the v1 controllers and, on a hybrid host, the
// unified one): what is left in it, and its removal at the end of the run.
#pragma once

#include <string>
#include <vector>

namespace cria::testing {

// The directories of that cgroup in every hierarchy ("/sys/fs/cgroup/memory/cria-bench-1").
// Only cgroup filesystems count: in the crun view of a hybrid host (tests/support/
// cgroup_view.h) /sys/fs/cgroup/unified is a tmpfs, where crun makes directories and
// cgroup.procs files of its own.
std::vector<std::string> CgroupDirs(const std::string& parent);

// Pids of the processes in the cgroup or below it, in any hierarchy (each once).
std::vector<int> ProcsInCgroup(const std::string& parent);

// Removes the cgroup and those below it (deepest first) in every hierarchy, and what crun
// made of it in a plain directory under /sys/fs/cgroup; returns the directories still
// there afterwards.
std::vector<std::string> RemoveCgroup(const std::string& parent);

}  // namespace cria::testing

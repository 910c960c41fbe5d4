// Ending a process together with everything it started: the processes whose parent chain
// leads to it, found in /proc.
#pragma once

#include <sys/types.h>

namespace cria::process {

// SIGKILLs `root` and all its descendants. Each is stopped first (SIGSTOP), top down, and
// /proc is read again until no new descendant shows up, so none can fork away or be
// re-parented (and lost) before the kill. Returns how many processes were killed; 0 when
// `root` is gone. For a process this daemon does not wait for, e.g. one run in a
// container by `runc exec`.
int KillProcessTree(pid_t root);

}  // namespace cria::process

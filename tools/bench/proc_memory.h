// Memory figures of processes for the CRI benchmarks: Pss (shared pages divided among
// their users, so the libraries the daemons share count once in a sum), and finding the
// per-container monitors (conmon, containerd-shim-runc-v2) of a run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cria::bench {

// Pss from /proc/PID/smaps_rollup, in KiB; 0 when it cannot be read.
uint64_t ReadPssKib(pid_t pid);

// Processes whose name (/proc/PID/comm) is `comm` and whose command line contains
// `needle` (anything when empty).
std::vector<pid_t> FindProcesses(const std::string& comm, const std::string& needle);

}  // namespace cria::bench

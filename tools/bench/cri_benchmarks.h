// The CRI-level benchmarks (issue 4), one file each, run by cri_bench.cc on one CriStack:
// cria through its gateway, the raw OCI runtime on a bundle prepared from cria's spec, and
// containerd (the peer, when it runs) through the same CRI client code. Runs alternate
// between them, after a warm-up of each. Each benchmark reports its rows (report.h) when
// it has them; an error means it could not complete.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"
#include "tools/bench/cri_stack.h"
#include "tools/bench/raw_runtime.h"
#include "tools/bench/report.h"

namespace cria::bench {

struct CriBenchSizes {
  int runs = 20;         // timed pod+container starts and stop+removes of each
  int exec_runs = 50;    // timed exec round trips of each
  int burst = 20;        // pods started at once
  int burst_runs = 3;    // timed bursts of each
  int pods = 100;        // running pods for List and memory
  int containers = 500;  // containers of the second List size (beyond `pods`: created only)
  int list_calls = 50;   // timed calls of each List at each size
};

struct CriBench {
  CriStack& stack;
  RawRuntime& raw;
  CriBenchSizes sizes;
};

// The command of every benchmark container.
inline const std::vector<std::string>& SleepCommand() {
  static const std::vector<std::string> command = {"sleep", "1000"};
  return command;
}

// Reports the rows; an error when one could not be recorded.
Status ReportRows(const std::vector<Row>& rows);

// a + b: RunPodSandbox + CreateContainer + StartContainer of one pod running `sleep 1000`
// vs `<runtime> run -d`, then StopPodSandbox + RemovePodSandbox vs `<runtime> kill` +
// `<runtime> delete -f`; each CRI step's time apart.
Status PodStartStop(CriBench& bench);

// c: `burst` pods started at once by as many threads, in pods per second, vs as many
// `<runtime> run -d` at once.
Status ConcurrentStarts(CriBench& bench);

// e: ExecSync `true` in a running container (`cria_container`, of cria) vs
// `<runtime> exec` of `true` in a raw container.
Status ExecRoundTrip(CriBench& bench, const std::string& cria_container);

// f, idle: RssAnon and Pss of the five daemons (and containerd's) before any pod runs.
struct DaemonMemory {
  uint64_t rss_anon_kib = 0, pss_kib = 0;                  // the five summed
  uint64_t runtime_rss_anon_kib = 0, runtime_pss_kib = 0;  // cria-runtime alone
  uint64_t runtime_vm_rss_kib = 0;
  uint64_t peer_rss_anon_kib = 0, peer_pss_kib = 0;  // containerd (0: no peer)
};
Result<DaemonMemory> ReadDaemonMemory(CriStack& stack);
// The rows of one such reading, named "<when>: ...".
std::vector<Row> DaemonMemoryRows(const std::string& when, const DaemonMemory& memory,
                                  bool with_targets);

// d + f: `pods` running pods (one container each) on both endpoints, then the daemons'
// memory and each conmon's (vs containerd's and each shim's), ListContainers and
// ListContainerStats at that size; then created containers up to `containers` and the
// Lists again. The pods are removed at the end.
Status ListsAndMemory(CriBench& bench);

}  // namespace cria::bench

// Benchmark f's daemon figures (cri_benchmarks.h): RssAnon and Pss of the five cria
// daemons (summed, and cria-runtime alone) against containerd's.
#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/proc_memory.h"
#include "tools/bench/pull_support.h"

namespace cria::bench {
namespace {

double MiBOf(uint64_t kib) { return kib / 1024.0; }

Row MemoryRow(const std::string& name, uint64_t kib, uint64_t peer_kib) {
  Row row;
  row.benchmark = name;
  row.unit = "MiB";
  row.cria = Single(MiBOf(kib));
  if (peer_kib > 0) row.peer_p50 = MiBOf(peer_kib);
  return row;
}

}  // namespace

Result<DaemonMemory> ReadDaemonMemory(CriStack& stack) {
  DaemonMemory m;
  for (const std::string& d : CriStack::Daemons()) {
    const pid_t pid = stack.daemons().Pid(d);
    Rss rss;
    const uint64_t pss = ReadPssKib(pid);
    if (!ReadRss(pid, &rss) || pss == 0) {
      return Status(StatusCode::kInternal, "cannot read the memory of cria-" + d);
    }
    m.rss_anon_kib += rss.rss_anon_kib;
    m.pss_kib += pss;
    if (d == "runtime") {
      m.runtime_rss_anon_kib = rss.rss_anon_kib;
      m.runtime_pss_kib = pss;
      m.runtime_vm_rss_kib = rss.vm_rss_kib;
    }
  }
  if (stack.peer() != nullptr) {
    Rss rss;
    m.peer_pss_kib = ReadPssKib(stack.peer()->pid());
    if (!ReadRss(stack.peer()->pid(), &rss) || m.peer_pss_kib == 0) {
      return Status(StatusCode::kInternal, "cannot read the memory of containerd");
    }
    m.peer_rss_anon_kib = rss.rss_anon_kib;
  }
  return m;
}

std::vector<Row> DaemonMemoryRows(const std::string& when, const DaemonMemory& m,
                                  bool with_targets) {
  std::vector<Row> rows = {
      MemoryRow(when + ": Pss, five daemons", m.pss_kib, m.peer_pss_kib),
      MemoryRow(when + ": RssAnon, five daemons", m.rss_anon_kib, m.peer_rss_anon_kib),
      MemoryRow(when + ": Pss, cria-runtime", m.runtime_pss_kib, 0),
      MemoryRow(when + ": RssAnon, cria-runtime", m.runtime_rss_anon_kib, 0)};
  if (with_targets) {
    Row vm = MemoryRow(when + ": VmRSS, cria-runtime", m.runtime_vm_rss_kib, 0);
    vm.target = "<64MiB";
    vm.met = Met(m.runtime_vm_rss_kib < 64 * 1024);
    rows.push_back(vm);
  }
  return rows;
}

}  // namespace cria::bench

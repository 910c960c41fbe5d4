// Benchmark c (cri_benchmarks.h): pods started at once, in pods per second.
#include <cstdio>
#include <functional>

#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/parallel.h"
#include "tools/bench/stats.h"

namespace cria::bench {
namespace {

// Runs fn(0..n-1) on n threads at once; the wall time in ms and the first error.
Status AtOnce(int n, const std::function<Status(int)>& fn, double* ms) {
  auto t0 = Clock::now();
  Status s = ForEachParallel(n, n, fn, true);
  *ms = Ms(Clock::now() - t0);
  return s;
}

// One burst of `n` pods through `client`; pods/s into `out` when given. The pods are
// removed afterwards, outside the clock.
Status CriBurst(CriStack& stack, CriClient& client, bool peer, int n, const std::string& tag,
                std::vector<double>* out) {
  double ms = 0;
  Status s = AtOnce(
      n,
      [&](int k) {
        return client
            .StartPodWithContainer(stack.Pod(tag + "-" + std::to_string(k), peer), stack.image(),
                                   SleepCommand())
            .status();
      },
      &ms);
  Status removed = stack.RemoveAllPods(client);
  if (!s.ok()) return stack.WithLogs(s, peer);
  CRIA_RETURN_IF_ERROR(removed, "remove the burst's pods");
  if (out != nullptr) out->push_back(n * 1000.0 / ms);
  return OkStatus();
}

Status RawBurst(RawRuntime& raw, int n, const std::string& tag, std::vector<double>* out) {
  for (int k = 0; k < n; ++k)
    CRIA_RETURN_IF_ERROR(raw.MakeBundle(tag + "-" + std::to_string(k)), "");
  double ms = 0;
  Status s = AtOnce(
      n, [&](int k) { return raw.Run(tag + "-" + std::to_string(k)); }, &ms);
  Status deleted;
  for (int k = 0; k < n; ++k) {
    Status d = raw.Delete(tag + "-" + std::to_string(k), true);
    if (s.ok() && deleted.ok()) deleted = d;
  }
  CRIA_RETURN_IF_ERROR(s, "");
  CRIA_RETURN_IF_ERROR(deleted, "");
  if (out != nullptr) out->push_back(n * 1000.0 / ms);
  return OkStatus();
}

}  // namespace

Status ConcurrentStarts(CriBench& bench) {
  CriStack& stack = bench.stack;
  const int n = bench.sizes.burst;
  std::vector<double> cria, raw, peer;
  int serial = 0;
  std::vector<std::function<Status(bool)>> runs = {
      [&](bool timed) {
        return CriBurst(stack, stack.cria(), false, timed ? n : 2,
                        "burst" + std::to_string(serial++), timed ? &cria : nullptr);
      },
      [&](bool timed) {
        return RawBurst(bench.raw, timed ? n : 2, "burst" + std::to_string(serial++),
                        timed ? &raw : nullptr);
      }};
  if (stack.containerd() != nullptr) {
    runs.push_back([&](bool timed) {
      return CriBurst(stack, *stack.containerd(), true, timed ? n : 2,
                      "burst" + std::to_string(serial++), timed ? &peer : nullptr);
    });
  }
  for (auto& run : runs) CRIA_RETURN_IF_ERROR(run(false), "warm-up");
  for (int i = 0; i < bench.sizes.burst_runs && !Interrupted(); ++i) {
    for (size_t k = 0; k < runs.size(); ++k) {
      CRIA_RETURN_IF_ERROR(runs[(i + k) % runs.size()](true), "burst " + std::to_string(i));
    }
  }
  if (Interrupted()) return Status(StatusCode::kCancelled, "interrupted");
  Row row;
  row.benchmark = std::to_string(n) + " concurrent pod starts (" + stack.runtime() + ")";
  row.unit = "pods/s";
  row.cria = Summarize(cria);
  row.baseline = std::to_string(n) + " concurrent " + stack.runtime() + " run -d";
  row.baseline_p50 = Summarize(raw).median;
  if (!peer.empty()) row.peer_p50 = Summarize(peer).median;
  std::printf("%d concurrent pod starts: %d bursts of each after a warm-up of 2; pods/s\n", n,
              bench.sizes.burst_runs);
  return ReportRows({row});
}

}  // namespace cria::bench

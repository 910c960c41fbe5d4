// Benchmark e (cri_benchmarks.h): the exec round trip.
#include <cstdio>
#include <functional>

#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/stats.h"

namespace cria::bench {
namespace {

const std::vector<std::string> kTrue = {"true"};

Status Timed(const std::function<Status()>& fn, std::vector<double>* out) {
  auto t0 = Clock::now();
  CRIA_RETURN_IF_ERROR(fn(), "");
  if (out != nullptr) out->push_back(Ms(Clock::now() - t0));
  return OkStatus();
}

}  // namespace

Status ExecRoundTrip(CriBench& bench, const std::string& cria_container) {
  CriStack& stack = bench.stack;
  const std::string rt = stack.runtime();
  // The raw and the peer's container to exec in.
  const std::string raw_id = "exec-target";
  CRIA_RETURN_IF_ERROR(bench.raw.MakeBundle(raw_id), "");
  CRIA_RETURN_IF_ERROR(bench.raw.Run(raw_id), "");
  std::string peer_pod, peer_container;
  Status s;
  if (stack.containerd() != nullptr) {
    CriClient& peer = *stack.containerd();
    PodSpec pod = stack.Pod("exec-target", true);
    Result<std::string> pod_id = peer.RunPod(pod);
    s = pod_id.status();
    if (s.ok()) {
      peer_pod = *pod_id;
      Result<std::string> id =
          peer.CreateContainer(peer_pod, pod, ContainerConfig("c", stack.image(), SleepCommand()));
      s = id.ok() ? peer.StartContainer(*id) : id.status();
      if (id.ok()) peer_container = *id;
    }
  }
  std::vector<double> cria, raw, peer;
  std::vector<std::function<Status(bool)>> runs = {
      [&](bool timed) {
        return Timed([&] { return stack.cria().ExecSync(cria_container, kTrue); },
                     timed ? &cria : nullptr);
      },
      [&](bool timed) {
        return Timed([&] { return bench.raw.Exec(raw_id, kTrue); }, timed ? &raw : nullptr);
      }};
  if (!peer_container.empty()) {
    runs.push_back([&](bool timed) {
      return Timed([&] { return stack.containerd()->ExecSync(peer_container, kTrue); },
                   timed ? &peer : nullptr);
    });
  }
  for (size_t k = 0; s.ok() && k < runs.size(); ++k) s = Annotate(runs[k](false), "warm-up");
  for (int i = 0; s.ok() && i < bench.sizes.exec_runs && !Interrupted(); ++i) {
    for (size_t k = 0; s.ok() && k < runs.size(); ++k) s = runs[(i + k) % runs.size()](true);
  }
  Status deleted = bench.raw.Delete(raw_id, true);
  if (!peer_pod.empty()) (void)stack.containerd()->StopAndRemovePod(peer_pod);
  CRIA_RETURN_IF_ERROR(s, "");
  CRIA_RETURN_IF_ERROR(deleted, "");
  if (Interrupted()) return Status(StatusCode::kCancelled, "interrupted");

  Row row;
  row.benchmark = "exec round trip, ExecSync true (" + rt + ")";
  row.cria = Summarize(cria);
  row.baseline = rt + " exec of true in a raw container";
  row.baseline_p50 = Summarize(raw).median;
  if (!peer.empty()) row.peer_p50 = Summarize(peer).median;
  std::printf("exec: %d round trips of each after a warm-up, in turn\n", bench.sizes.exec_runs);
  return ReportRows({row});
}

}  // namespace cria::bench

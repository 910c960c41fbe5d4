// Benchmarks a and b (cri_benchmarks.h): pod+container start and pod stop+remove.
#include <unistd.h>

#include <cstdio>
#include <functional>

#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/raw_network.h"
#include "tools/bench/stats.h"

namespace cria::bench {
namespace {

// One endpoint's samples.
struct Samples {
  std::vector<double> start, run_pod, create, start_container;
  std::vector<double> stop, stop_pod, remove_pod;
};

// One pod started and then stopped and removed through `client`; times into `out` when
// given (nullptr: a warm-up).
Status CriRun(CriStack& stack, CriClient& client, bool peer, bool host_network,
              const std::string& name, Samples* out) {
  StartTimes t;
  Result<StartedPod> id = client.StartPodWithContainer(stack.Pod(name, peer, host_network),
                                                       stack.image(), SleepCommand(), &t);
  if (!id.ok()) return stack.WithLogs(id.status(), peer);
  auto t0 = Clock::now();
  Status s = client.StopPod(id->pod_id);
  auto t1 = Clock::now();
  if (s.ok()) s = client.RemovePod(id->pod_id);
  auto t2 = Clock::now();
  if (!s.ok()) return stack.WithLogs(s, peer);
  if (out != nullptr) {
    out->start.push_back(t.total());
    out->run_pod.push_back(t.run_pod);
    out->create.push_back(t.create);
    out->start_container.push_back(t.start);
    out->stop_pod.push_back(Ms(t1 - t0));
    out->remove_pod.push_back(Ms(t2 - t1));
    out->stop.push_back(Ms(t2 - t0));
  }
  return OkStatus();
}

// `<runtime> run -d` timed, then `<runtime> kill` + `<runtime> delete -f` timed.
Status RawRun(RawRuntime& raw, const std::string& id, bool host_network, std::vector<double>* start,
              std::vector<double>* stop) {
  CRIA_RETURN_IF_ERROR(host_network ? raw.MakeHostNetworkBundle(id) : raw.MakeBundle(id), "");
  auto t0 = Clock::now();
  Status s = raw.Run(id);
  auto t1 = Clock::now();
  if (!s.ok()) {
    (void)raw.Delete(id, true);
    return s;
  }
  auto t2 = Clock::now();
  s = raw.Kill(id);
  Status deleted = raw.Delete(id, true);
  auto t3 = Clock::now();
  CRIA_RETURN_IF_ERROR(s, "");
  CRIA_RETURN_IF_ERROR(deleted, "");
  if (start != nullptr) {
    start->push_back(Ms(t1 - t0));
    stop->push_back(Ms(t3 - t2));
  }
  return OkStatus();
}

// `<runtime> create` + `<runtime> start` timed; `<runtime> delete -f` outside the clock.
// A raw pod: the netns and CNI chain by hand (RawNetwork), then `<runtime> run -d` in it,
// timed together; the container and its network are undone outside the clock.
Status RawPodRun(RawRuntime& raw, RawNetwork& network, const std::string& id,
                 std::vector<double>* start) {
  auto t0 = Clock::now();
  Result<std::string> netns = network.Add(id);
  const double network_ms = Ms(Clock::now() - t0);
  Status s = netns.status();
  if (s.ok()) s = raw.MakeBundle(id, *netns);  // unclocked, as for the other raw runs
  if (s.ok()) {
    auto t1 = Clock::now();
    s = raw.Run(id);
    if (s.ok() && start != nullptr) start->push_back(network_ms + Ms(Clock::now() - t1));
  }
  Status deleted = raw.Delete(id, true);
  Status unplugged = network.Del(id);
  CRIA_RETURN_IF_ERROR(s, "");
  CRIA_RETURN_IF_ERROR(deleted, "");
  return unplugged;
}

Status RawCreateStart(RawRuntime& raw, const std::string& id, std::vector<double>* ms) {
  CRIA_RETURN_IF_ERROR(raw.MakeBundle(id), "");
  auto t0 = Clock::now();
  Status s = raw.Create(id);
  if (s.ok()) s = raw.Start(id);
  auto t1 = Clock::now();
  Status deleted = raw.Delete(id, true);
  CRIA_RETURN_IF_ERROR(s, "");
  CRIA_RETURN_IF_ERROR(deleted, "");
  if (ms != nullptr) ms->push_back(Ms(t1 - t0));
  return OkStatus();
}

std::optional<double> P50(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return Summarize(v).median;
}

Row Phase(const std::string& name, const std::vector<double>& cria,
          const std::vector<double>& peer) {
  Row row;
  row.benchmark = "  " + name;
  row.cria = Summarize(cria);
  row.peer_p50 = P50(peer);
  return row;
}

}  // namespace

Status PodStartStop(CriBench& bench) {
  CriStack& stack = bench.stack;
  const std::string rt = stack.runtime();
  Samples cria, cria_host, peer;
  std::vector<double> raw_start, raw_stop, raw_create_start, raw_pod_start, raw_host_start,
      raw_host_stop;
  RawNetwork network(stack.root() + "/raw-network", "crr" + std::to_string(::getpid() % 100000),
                     "10.230." + std::to_string(::getpid() % 250) + ".0/24");
  int serial = 0;
  auto next = [&serial] { return "start-" + std::to_string(serial++); };
  // A participant: one run, timed into the given samples (a warm-up when not timed).
  auto cri_run = [&](CriClient& client, bool peer, bool host_network, Samples* samples) {
    return [&, peer, host_network, samples](bool timed) {
      return CriRun(stack, client, peer, host_network, next(), timed ? samples : nullptr);
    };
  };
  auto raw_run = [&](bool host_network, std::vector<double>* start, std::vector<double>* stop) {
    return [&, host_network, start, stop](bool timed) {
      return RawRun(bench.raw, next(), host_network, timed ? start : nullptr,
                    timed ? stop : nullptr);
    };
  };
  // The participants of one round, in the order they run this round.
  std::vector<std::function<Status(bool)>> runs = {
      cri_run(stack.cria(), false, false, &cria),
      raw_run(false, &raw_start, &raw_stop),
      cri_run(stack.cria(), false, true, &cria_host),
      raw_run(true, &raw_host_start, &raw_host_stop),
      [&](bool timed) {
        return RawCreateStart(bench.raw, next(), timed ? &raw_create_start : nullptr);
      },
      [&](bool timed) {
        return RawPodRun(bench.raw, network, next(), timed ? &raw_pod_start : nullptr);
      }};
  if (stack.containerd() != nullptr) {
    runs.push_back(cri_run(*stack.containerd(), true, false, &peer));
  }
  for (auto& run : runs) CRIA_RETURN_IF_ERROR(run(false), "warm-up");
  for (int i = 0; i < bench.sizes.runs && !Interrupted(); ++i) {
    // Each takes its turn at going first.
    for (size_t k = 0; k < runs.size(); ++k) {
      CRIA_RETURN_IF_ERROR(runs[(i + k) % runs.size()](true), "run " + std::to_string(i));
    }
  }
  if (Interrupted()) return Status(StatusCode::kCancelled, "interrupted");

  Row start;
  start.benchmark = "pod+container start (" + rt + ")";
  start.cria = Summarize(cria.start);
  start.baseline = rt + " run -d of the same spec (fresh namespaces, rootfs copy)";
  start.baseline_p50 = P50(raw_start);
  start.peer_p50 = P50(peer.start);
  start.target = "<=1.5";
  start.met = Met(*start.Ratio() <= 1.5);
  // The like-for-like comparison: the raw side makes the pod's network too.
  Row with_network;
  with_network.benchmark = "  against a raw pod with network";
  with_network.cria = start.cria;
  with_network.baseline = "ip netns add + the same CNI chain by hand + " + rt + " run -d";
  with_network.baseline_p50 = P50(raw_pod_start);
  // The same without CNI: a hostNetwork pod against the very bundle cria made, in the
  // host's network and UTS namespaces.
  Row host;
  host.benchmark = "pod+container start, hostNetwork (" + rt + ")";
  host.cria = Summarize(cria_host.start);
  host.baseline = rt + " run -d of the same spec (host network and UTS, rootfs copy)";
  host.baseline_p50 = P50(raw_host_start);
  host.target = "<=1.5";
  host.met = Met(*host.Ratio() <= 1.5);
  Row stop;
  stop.benchmark = "pod stop+remove (" + rt + ")";
  stop.cria = Summarize(cria.stop);
  stop.baseline = rt + " kill + " + rt + " delete -f (no network, no rootfs to undo)";
  stop.baseline_p50 = P50(raw_stop);
  stop.peer_p50 = P50(peer.stop);
  // StartContainer is conmon + `<runtime> create` + `<runtime> start`: against those two.
  Row start_container = Phase("StartContainer", cria.start_container, peer.start_container);
  start_container.baseline = rt + " create + " + rt + " start (no conmon)";
  start_container.baseline_p50 = P50(raw_create_start);
  std::vector<Row> rows = {start,
                           with_network,
                           Phase("RunPodSandbox", cria.run_pod, peer.run_pod),
                           Phase("CreateContainer", cria.create, peer.create),
                           start_container,
                           host,
                           Phase("RunPodSandbox, hostNetwork", cria_host.run_pod, {}),
                           Phase("CreateContainer, hostNetwork", cria_host.create, {}),
                           Phase("StartContainer, hostNetwork", cria_host.start_container, {}),
                           stop,
                           Phase("StopPodSandbox", cria.stop_pod, peer.stop_pod),
                           Phase("RemovePodSandbox", cria.remove_pod, peer.remove_pod)};
  std::printf("pod start/stop: %d runs of each after a warm-up, in turn (%s)\n", bench.sizes.runs,
              stack.containerd() != nullptr
                  ? "cria, raw run -d, cria hostNetwork, raw run -d hostNetwork, raw "
                    "create+start, raw pod with network, containerd"
                  : "cria, raw run -d, cria hostNetwork, raw run -d hostNetwork, raw "
                    "create+start, raw pod with network");
  return ReportRows(rows);
}

}  // namespace cria::bench

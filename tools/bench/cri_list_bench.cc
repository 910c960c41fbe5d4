// Benchmark d, and f at `pods` pods (cri_benchmarks.h): ListContainers and
// ListContainerStats at two sizes, and memory with the pods running.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>

#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/parallel.h"
#include "tools/bench/proc_memory.h"
#include "tools/bench/pull_support.h"
#include "tools/bench/stats.h"

namespace cria::bench {
namespace {

constexpr int kThreads = 4;  // for the set-up, outside any clock

// fn(0..n-1), kThreads at a time; the first error.
Status Parallel(int n, const std::function<Status(int)>& fn) {
  return ForEachParallel(n, kThreads, fn);
}

// One endpoint's pods for the List benchmark.
struct Fleet {
  CriClient* client = nullptr;
  bool peer = false;
  std::vector<std::string> pod_ids;
  std::vector<PodSpec> pods;
};

Status StartFleet(CriStack& stack, Fleet& fleet, int pods) {
  fleet.pod_ids.assign(pods, "");
  for (int i = 0; i < pods; ++i)
    fleet.pods.push_back(stack.Pod("list-" + std::to_string(i), fleet.peer));
  return stack.WithLogs(Parallel(pods,
                                 [&](int i) -> Status {
                                   CRIA_ASSIGN_OR_RETURN(
                                       StartedPod started,
                                       fleet.client->StartPodWithContainer(
                                           fleet.pods[i], stack.image(), SleepCommand()),
                                       "");
                                   fleet.pod_ids[i] = started.pod_id;
                                   return OkStatus();
                                 }),
                        fleet.peer);
}

// Containers created (not started) in the fleet's pods, round robin, `count` in all.
Status CreateMore(CriStack& stack, Fleet& fleet, int count) {
  const int pods = static_cast<int>(fleet.pod_ids.size());
  return stack.WithLogs(Parallel(count,
                                 [&](int i) {
                                   const int p = i % pods;
                                   return fleet.client
                                       ->CreateContainer(
                                           fleet.pod_ids[p], fleet.pods[p],
                                           ContainerConfig("x" + std::to_string(i / pods),
                                                           stack.image(), SleepCommand()))
                                       .status();
                                 }),
                        fleet.peer);
}

// `calls` timed calls of `list` on each fleet, in turn, after one each; a fleet whose
// first call is UNIMPLEMENTED gets no samples (and its `unimplemented` set).
struct ListSamples {
  std::vector<double> ms;
  bool unimplemented = false;
};
Status TimeList(std::vector<Fleet>& fleets, int calls, int expected,
                const std::function<Result<int>(CriClient&)>& list, std::vector<ListSamples>* out,
                const std::string& what = "containers") {
  out->assign(fleets.size(), {});
  for (int i = -1; i < calls; ++i) {
    for (size_t k = 0; k < fleets.size(); ++k) {
      const size_t f = (i + 1 + k) % fleets.size();
      if ((*out)[f].unimplemented) continue;
      auto t0 = Clock::now();
      Result<int> n = list(*fleets[f].client);
      double ms = Ms(Clock::now() - t0);
      if (!n.ok() && n.status().code() == StatusCode::kUnimplemented && i == -1) {
        (*out)[f].unimplemented = true;
        continue;
      }
      CRIA_RETURN_IF_ERROR(n.status(), fleets[f].peer ? "containerd" : "cria");
      if (*n < expected) {
        return Status(StatusCode::kInternal, std::string(fleets[f].peer ? "containerd" : "cria") +
                                                 " listed " + std::to_string(*n) + " of " +
                                                 std::to_string(expected) + " " + what);
      }
      if (i >= 0) (*out)[f].ms.push_back(ms);
    }
  }
  return OkStatus();
}

Row ListRow(const std::string& name, const std::vector<ListSamples>& samples) {
  Row row;
  row.benchmark = name;
  if (samples[0].unimplemented) {
    row.note = "not implemented";
  } else {
    row.cria = Summarize(samples[0].ms);
  }
  if (samples.size() > 1) {
    if (samples[1].unimplemented) {
      row.note += " (containerd: not implemented)";
    } else {
      row.peer_p50 = Summarize(samples[1].ms).median;
    }
  }
  return row;
}

// VmRSS, RssAnon and Pss (MiB) of each of `pids`.
struct MonitorSamples {
  std::vector<double> vm_rss, rss_anon, pss;
};
MonitorSamples MonitorMemory(const std::vector<pid_t>& pids) {
  MonitorSamples out;
  for (pid_t pid : pids) {
    Rss rss;
    if (!ReadRss(pid, &rss)) continue;
    out.vm_rss.push_back(rss.vm_rss_kib / 1024.0);
    out.rss_anon.push_back(rss.rss_anon_kib / 1024.0);
    out.pss.push_back(ReadPssKib(pid) / 1024.0);
  }
  return out;
}

Status MemoryAt(CriStack& stack, int pods) {
  const std::string when = std::to_string(pods) + " pods";
  CRIA_ASSIGN_OR_RETURN(DaemonMemory daemons, ReadDaemonMemory(stack), "");
  std::vector<Row> rows = DaemonMemoryRows(when, daemons, true);
  MonitorSamples conmon = MonitorMemory(FindProcesses("conmon", stack.root() + "/"));
  MonitorSamples shim;
  if (stack.peer() != nullptr) shim = MonitorMemory(stack.peer()->ShimPids());
  if (conmon.vm_rss.empty()) return Status(StatusCode::kInternal, "no conmon process found");
  Row rss;
  rss.benchmark = when + ": VmRSS per conmon";
  rss.unit = "MiB";
  rss.cria = Summarize(conmon.vm_rss);
  if (!shim.vm_rss.empty()) rss.peer_p50 = Summarize(shim.vm_rss).median;
  rss.target = "<2MiB each";
  rss.met = Met(rss.cria->max < 2.0);
  Row pss = rss;
  pss.benchmark = when + ": Pss per conmon";
  pss.cria = Summarize(conmon.pss);
  pss.peer_p50.reset();
  if (!shim.pss.empty()) pss.peer_p50 = Summarize(shim.pss).median;
  pss.target = "info";
  pss.met = "-";
  rows.push_back(rss);
  rows.push_back(pss);
  std::printf(
      "memory with %d pods: %zu conmon (cria, one per container; RssAnon p50 %.2f MiB), %zu "
      "shims (containerd, one per pod; RssAnon p50 %.2f MiB)\n",
      pods, conmon.vm_rss.size(), Summarize(conmon.rss_anon).median, shim.vm_rss.size(),
      shim.rss_anon.empty() ? 0.0 : Summarize(shim.rss_anon).median);
  return ReportRows(rows);
}

}  // namespace

Status ListsAndMemory(CriBench& bench) {
  CriStack& stack = bench.stack;
  const int pods = bench.sizes.pods;
  const int total = std::max(bench.sizes.containers, pods);
  std::vector<Fleet> fleets(1);
  fleets[0].client = &stack.cria();
  if (stack.containerd() != nullptr) {
    fleets.emplace_back();
    fleets[1].client = stack.containerd();
    fleets[1].peer = true;
  }
  Status s;
  auto t0 = Clock::now();
  for (Fleet& fleet : fleets) {
    if (s.ok()) s = StartFleet(stack, fleet, pods);
  }
  std::printf("lists: %d running pods of each set up in %.1f s\n", pods,
              Ms(Clock::now() - t0) / 1000);
  if (s.ok()) {
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let the monitors settle
    s = MemoryAt(stack, pods);
  }
  std::vector<Row> rows;
  std::vector<ListSamples> samples;
  const std::string running = std::to_string(pods) + " running";
  if (s.ok())
    s = TimeList(
        fleets, bench.sizes.list_calls, pods, [](CriClient& c) { return c.ListContainers(); },
        &samples);
  if (s.ok()) {
    Row row = ListRow("ListContainers, " + running, samples);
    row.target = "p50<5ms";
    row.met = row.cria ? Met(row.cria->median < 5.0) : "-";
    rows.push_back(row);
    s = TimeList(
        fleets, bench.sizes.list_calls, pods, [](CriClient& c) { return c.ListContainerStats(); },
        &samples);
  }
  if (s.ok()) {
    rows.push_back(ListRow("ListContainerStats, " + running, samples));
    // The kubelet lists pods as often as containers (each PLEG relist).
    s = TimeList(
        fleets, bench.sizes.list_calls, pods,
        [](CriClient& c) -> Result<int> {
          CRIA_ASSIGN_OR_RETURN(std::vector<std::string> ids, c.ListPodIds(), "");
          return static_cast<int>(ids.size());
        },
        &samples, "pods");
  }
  if (s.ok()) {
    rows.push_back(ListRow("ListPodSandbox, " + std::to_string(pods) + " pods", samples));
    t0 = Clock::now();
    for (Fleet& fleet : fleets) {
      if (s.ok()) s = CreateMore(stack, fleet, total - pods);
    }
    std::printf("lists: %d more containers (created, not started) of each in %.1f s\n",
                total - pods, Ms(Clock::now() - t0) / 1000);
  }
  const std::string all = std::to_string(total) + " (" + running + ")";
  if (s.ok())
    s = TimeList(
        fleets, bench.sizes.list_calls, total, [](CriClient& c) { return c.ListContainers(); },
        &samples);
  if (s.ok()) {
    rows.push_back(ListRow("ListContainers, " + all, samples));
    s = TimeList(
        fleets, bench.sizes.list_calls, total, [](CriClient& c) { return c.ListContainerStats(); },
        &samples);
  }
  if (s.ok()) rows.push_back(ListRow("ListContainerStats, " + all, samples));
  t0 = Clock::now();
  for (Fleet& fleet : fleets) {
    Status removed = stack.RemoveAllPods(*fleet.client);
    if (s.ok()) s = stack.WithLogs(removed, fleet.peer);
  }
  std::printf("lists: pods removed in %.1f s\n", Ms(Clock::now() - t0) / 1000);
  CRIA_RETURN_IF_ERROR(s, "");
  std::printf("lists: %d calls of each List at each size, in turn, after one each\n",
              bench.sizes.list_calls);
  return ReportRows(rows);
}

}  // namespace cria::bench

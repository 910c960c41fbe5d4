// The CRI-level benchmarks (issue 4): cria's five daemons against the raw OCI runtime and
// against containerd 1.6 (the peer), through the same CRI client code; see
// cri_benchmarks.h for what each measures and docs/bench.md for how to read them.
//
// Usage: cri_bench [--runtime runc|crun] [--quick] [--runs N] [--exec-runs N] [--pods N]
//                  [--containers N] [--burst N] [--burst-runs N] [--list-calls N]
//                  [--no-peer] [--bin-dir DIR] [--keep] [--log-level debug|info|warn|error]
// (tools/bench/cri calls this twice, runc then crun, from the repository root; as root).
// With runc it runs every benchmark; with crun, pod start and stop only (containerd then
// runs crun too, through its runc shim's BinaryName). crun 1.8 refuses this host's hybrid
// cgroup layout, so a crun run first moves itself into a mount namespace where the host
// looks cgroup v1 only (tests/support/cgroup_view.h). --quick: one run each at tiny sizes.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include "libs/records/json_object.h"
#include "rapidjson/document.h"
#include "tests/support/cgroup_view.h"
#include "tools/bench/cri_benchmarks.h"
#include "tools/bench/stats.h"

namespace cria::bench {

Status ReportRows(const std::vector<Row>& rows) {
  if (!ReportAll(rows)) return Status(StatusCode::kInternal, "a row could not be recorded");
  return OkStatus();
}

namespace {

// The OCI spec cria generated for a container: the "runtimeSpec" of its verbose status.
Result<std::string> CriaSpec(CriClient& cria, const std::string& container_id) {
  CRIA_ASSIGN_OR_RETURN(std::string info, cria.ContainerInfo(container_id), "");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(info),
                        "ContainerStatus info");
  auto it = doc.FindMember("runtimeSpec");
  if (it == doc.MemberEnd() || !it->value.IsObject()) {
    return Status(StatusCode::kNotFound, "ContainerStatus info has no runtimeSpec");
  }
  return records::SerializeJsonObject(it->value);
}

Status RunAll(CriStack& stack, const CriBenchSizes& sizes, bool all) {
  auto t0 = Clock::now();
  CRIA_RETURN_IF_ERROR(stack.Start(), "set up");
  std::printf("stack: %s, cria with %s, %s; set up in %.1f s\n", stack.root().c_str(),
              stack.runtime().c_str(),
              stack.peer() != nullptr ? "containerd as the peer" : "no peer",
              Ms(Clock::now() - t0) / 1000);
  if (all) {
    std::this_thread::sleep_for(std::chrono::seconds(1));  // start-up allocations settle
    CRIA_ASSIGN_OR_RETURN(DaemonMemory idle, ReadDaemonMemory(stack), "");
    CRIA_RETURN_IF_ERROR(ReportRows(DaemonMemoryRows("idle", idle, false)), "");
  }
  // A pod that runs throughout: the raw baseline's spec comes from its container, and the
  // exec benchmark runs in it.
  Result<StartedPod> tmpl =
      stack.cria().StartPodWithContainer(stack.Pod("template"), stack.image(), SleepCommand());
  CRIA_RETURN_IF_ERROR(stack.WithLogs(tmpl.status()), "the template pod");
  CRIA_ASSIGN_OR_RETURN(std::string spec, CriaSpec(stack.cria(), tmpl->container_id), "");
  RawRuntime raw(stack.runtime(), stack.root() + "/raw", stack.cgroup_parent());
  CRIA_RETURN_IF_ERROR(raw.Prepare(spec, stack.root()), "prepare the raw bundle");

  CriBench bench{stack, raw, sizes};
  CRIA_RETURN_IF_ERROR(PodStartStop(bench), "pod start/stop");
  if (!all) return OkStatus();
  CRIA_RETURN_IF_ERROR(ExecRoundTrip(bench, tmpl->container_id), "exec");
  CRIA_RETURN_IF_ERROR(ConcurrentStarts(bench), "concurrent starts");
  CRIA_RETURN_IF_ERROR(stack.cria().StopAndRemovePod(tmpl->pod_id), "");
  CRIA_RETURN_IF_ERROR(ListsAndMemory(bench), "lists and memory");
  return OkStatus();
}

}  // namespace
}  // namespace cria::bench

int main(int argc, char** argv) {
  namespace bench = cria::bench;
  CLI::App app{"CRI-level benchmarks: cria vs the raw OCI runtime and containerd"};
  bench::CriStackOptions options;
  bench::CriBenchSizes sizes;
  bool quick = false, no_peer = false;
  app.add_option("--runtime", options.runtime)->check(CLI::IsMember({"runc", "crun"}));
  app.add_flag("--quick", quick, "one run each at tiny sizes (proves it works)");
  app.add_option("--runs", sizes.runs)->check(CLI::PositiveNumber);
  app.add_option("--exec-runs", sizes.exec_runs)->check(CLI::PositiveNumber);
  app.add_option("--pods", sizes.pods)->check(CLI::PositiveNumber);
  app.add_option("--containers", sizes.containers)->check(CLI::PositiveNumber);
  app.add_option("--burst", sizes.burst)->check(CLI::PositiveNumber);
  app.add_option("--burst-runs", sizes.burst_runs)->check(CLI::PositiveNumber);
  app.add_option("--list-calls", sizes.list_calls)->check(CLI::PositiveNumber);
  app.add_flag("--no-peer", no_peer, "without containerd");
  app.add_option("--bin-dir", options.bin_dir, "where services/*/cria-* are (bazel-bin)");
  app.add_flag("--keep", options.keep, "keep the temp root (logs, state)");
  app.add_option("--log-level", options.log_level, "of the cria daemons (warn)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    sizes = {.runs = 1,
             .exec_runs = 1,
             .burst = 2,
             .burst_runs = 1,
             .pods = 5,
             .containers = 10,
             .list_calls = 2};
  }
  const bool all = options.runtime == "runc";
  options.peer = !no_peer;
  if (options.peer && ::access("/usr/bin/containerd", X_OK) != 0) {
    std::printf(
        "no /usr/bin/containerd: running without the peer (tools/setup-deps installs it)\n");
    options.peer = false;
  }
  if (options.runtime == "crun") {
    // Before any thread or child.
    auto hidden = cria::testing::HideCgroup2ForCrun();
    if (!hidden.ok()) {
      std::fprintf(stderr, "crun: %s\n", cria::MessageOf(hidden.status()).c_str());
      return 1;
    }
  }
  bench::InstallInterruptHandler();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress in order with stderr

  int rc = 0;
  {
    bench::CriStack stack(options);
    cria::Status s = bench::RunAll(stack, sizes, all);
    if (!s.ok()) {
      std::fprintf(stderr, "cri benchmarks (%s) failed: %s\n", options.runtime.c_str(),
                   cria::MessageOf(s).c_str());
      rc = 1;
    }
    auto t0 = bench::Clock::now();
    std::vector<std::string> problems = stack.Cleanup();
    for (const std::string& p : problems) std::fprintf(stderr, "cleanup: %s\n", p.c_str());
    if (!problems.empty()) rc = 1;
    std::printf("cleaned up in %.1f s%s\n", bench::Ms(bench::Clock::now() - t0) / 1000,
                options.keep ? (", kept " + stack.root()).c_str() : "");
  }
  return rc;
}

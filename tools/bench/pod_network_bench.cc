// Pod network setup benchmark (issue 7): cria-network's CreatePodNetwork (netns + the
// bridge/portmap chain + record) against the same chain invoked directly by a
// shell script on a fresh netns (tools/bench/cni-chain.sh), alternating in one run; then
// 20 pods set up at once. Prints medians, p90, max and the ratio against the target.
//
// Usage: pod_network_bench --socket /run/.../network.sock --bridge NAME --subnet CIDR
//          --ipam DIR --script tools/bench/cni-chain.sh [--runs N]
// (tools/bench/pod-network starts cria-network in a temp root and calls this.)
#include <grpcpp/create_channel.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <vector>

#include "cria/network/v1/network.grpc.pb.h"
#include "libs/process/process.h"
#include "tools/bench/report.h"
#include "tools/bench/stats.h"

namespace {

using Clock = cria::bench::Clock;
namespace netv1 = cria::network::v1;

using cria::bench::Ms;
using cria::bench::Stats;
using cria::bench::Summarize;

bool Create(netv1::Network::Stub& stub, const std::string& id, std::string* error) {
  netv1::CreatePodNetworkRequest req;
  req.set_pod_id(id);
  req.set_pod_name(id);
  req.set_pod_namespace("bench");
  req.set_pod_uid("uid-" + id);
  netv1::CreatePodNetworkResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub.CreatePodNetwork(&ctx, req, &resp);
  if (!s.ok()) *error = s.error_message();
  return s.ok();
}

bool Remove(netv1::Network::Stub& stub, const std::string& id) {
  netv1::RemovePodNetworkRequest req;
  req.set_pod_id(id);
  netv1::RemovePodNetworkResponse resp;
  grpc::ClientContext ctx;
  return stub.RemovePodNetwork(&ctx, req, &resp).ok();
}

bool Script(const std::string& script, const std::string& cmd, const std::string& id,
            const std::string& bridge, const std::string& subnet, const std::string& ipam,
            std::string* error) {
  cria::process::Command c;
  c.argv = {script, cmd, "bench-" + id, id, bridge, subnet, ipam};
  c.timeout = std::chrono::seconds(60);
  auto r = cria::process::Run(c);
  if (!r.ok() || !r->Succeeded()) {
    *error = r.ok() ? r->err + r->out : std::string(r.status().message());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pod network setup: cria-network vs the plugin chain run by a shell script"};
  std::string socket, bridge, subnet, ipam, script;
  int runs = 15;
  app.add_option("--socket", socket)->required();
  app.add_option("--bridge", bridge)->required();
  app.add_option("--subnet", subnet)->required();
  app.add_option("--ipam", ipam)->required();
  app.add_option("--script", script)->required();
  app.add_option("--runs", runs);
  CLI11_PARSE(app, argc, argv);

  auto stub = netv1::Network::NewStub(
      grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
  std::string error;
  // Warm-up: one of each (page cache, bridge creation, iptables chains).
  if (!Create(*stub, "warm", &error) || !Remove(*stub, "warm") ||
      !Script(script, "add", "warm", bridge, subnet, ipam, &error) ||
      !Script(script, "del", "warm", bridge, subnet, ipam, &error)) {
    std::fprintf(stderr, "warm-up failed: %s\n", error.c_str());
    return 1;
  }
  std::vector<double> cria_ms, base_ms;
  for (int i = 0; i < runs; ++i) {
    std::string id = "p" + std::to_string(i);
    auto t0 = Clock::now();
    if (!Create(*stub, id, &error)) {
      std::fprintf(stderr, "cria run %d failed: %s\n", i, error.c_str());
      return 1;
    }
    cria_ms.push_back(Ms(Clock::now() - t0));
    Remove(*stub, id);
    t0 = Clock::now();
    if (!Script(script, "add", id, bridge, subnet, ipam, &error)) {
      std::fprintf(stderr, "baseline run %d failed: %s\n", i, error.c_str());
      return 1;
    }
    base_ms.push_back(Ms(Clock::now() - t0));
    Script(script, "del", id, bridge, subnet, ipam, &error);
  }
  // 20 pods at once.
  auto t0 = Clock::now();
  std::vector<std::future<bool>> pods;
  for (int i = 0; i < 20; ++i) {
    pods.push_back(std::async(std::launch::async, [&stub, i] {
      std::string e;
      return Create(*stub, "c" + std::to_string(i), &e);
    }));
  }
  int ok = 0;
  for (auto& f : pods) ok += f.get() ? 1 : 0;
  double concurrent = Ms(Clock::now() - t0);
  for (int i = 0; i < 20; ++i) Remove(*stub, "c" + std::to_string(i));

  Stats c = Summarize(cria_ms), b = Summarize(base_ms);
  cria::bench::Row setup;
  setup.benchmark = "pod network setup";
  setup.cria = c;
  setup.baseline = "the same CNI chain run by a shell script (cni-chain.sh)";
  setup.baseline_p50 = b.median;
  setup.target = "<=1.2";
  setup.met = cria::bench::Met(*setup.Ratio() <= 1.2);
  cria::bench::Row burst;
  burst.benchmark = "20 concurrent pod network setups";
  burst.unit = "pods/s";
  if (ok == 20) {
    burst.cria = cria::bench::Single(20000.0 / concurrent);
  } else {
    burst.note = "errors";
  }
  bool recorded = cria::bench::ReportAll({setup, burst});
  std::printf("%-28s %d of 20 pods in %.0f ms (%.1f pods/s), %s\n", "20 concurrent setups", ok,
              concurrent, 20000.0 / concurrent, ok == 20 ? "no errors" : "ERRORS");
  std::printf(
      "runs: %d alternating, after one warm-up each; baseline p50/p90/max %.1f/%.1f/%.1f ms\n",
      runs, b.median, b.p90, b.max);
  return ok == 20 && recorded ? 0 : 1;
}

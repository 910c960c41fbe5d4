// Image pull benchmark (DESIGN.md section 9): CRI PullImage through cria-gateway of a
// multi-layer gzip image from a real docker-registry on 127.0.0.1 (plain HTTP), against the
// naive baseline of a serial `curl` of each layer blob followed by `tar -xzf` of it into one
// fresh directory, alternating in one run.
//
// The image (default: 5 layers of mixed, partly compressible files, ~300 MiB uncompressed)
// is built once per run in a temp root and pushed to a registry started there. Each cria
// run starts cria-storage, cria-image and cria-gateway in a fresh state root of their own
// and times PullImage, which returns once every layer is unpacked; each baseline run
// unpacks into a fresh directory. Nothing is deleted until the end (everything is synced
// after each run, not timed): on an ext4 without a journal, as this project's VMs have,
// creating files soon after thousands were deleted is several times slower (the inode
// allocator skips recently deleted inodes for a minute), which would swamp the figures.
//
// Usage: image_pull_bench [--runs N] [--size-mib M] [--layers L] [--bin-dir DIR] [--phases]
//                         [--keep]
// (tools/bench/image-pull calls this from the repository root; run as root).
// --phases adds where the time goes: pulls through cria.image.v1.ImagePull whose progress
// events give each layer's download and apply times, PullImage on image.sock (no gateway),
// cria-storage's ApplyLayer of the same blobs from disk one after the other, and the
// baseline's curl and tar times apart. --keep leaves the temp root (logs, state) in place.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cria/image/v1/image.grpc.pb.h"
#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/rpc/client.h"
#include "services/image/registry/test_registry.h"
#include "tools/bench/bench_stack.h"
#include "tools/bench/pull_support.h"
#include "tools/bench/report.h"
#include "tools/bench/stats.h"

namespace {

using cria::Result;
using cria::Status;
using cria::bench::Clock;
using cria::bench::Ms;
using cria::bench::Summarize;

constexpr char kRepo[] = "bench/pull";
constexpr char kTag[] = "v1";

struct Env {
  std::string root, bin_dir;  // the temp root; where the daemons are
  cria::bench::BenchImage image;
  std::string warm_reference;  // a one-layer image of a few files
  std::string registry;        // "127.0.0.1:<port>"
  int serial = 0;              // numbers the fresh directories
};

// The daemons' logs, for a failure report.
void PrintLogs(const cria::bench::DaemonStack& stack) {
  std::fprintf(stderr, "cria-image log (tail):\n%s", stack.LogTail("image").c_str());
  std::fprintf(stderr, "cria-storage log (tail):\n%s", stack.LogTail("storage").c_str());
}

// A stack of its own in a fresh state root (`daemons` started in order). With cria-image,
// it has pulled the small warm-up image on `pull_socket`, so that the timed pull finds
// the daemons as a node's long-running ones are: connected to each other, the registry's
// scheme known.
Result<std::unique_ptr<cria::bench::DaemonStack>> FreshStack(
    Env& env, const std::vector<std::string>& daemons, const std::string& pull_socket = "") {
  auto stack = std::make_unique<cria::bench::DaemonStack>(
      env.root + "/stack-" + std::to_string(env.serial++), env.bin_dir);
  CRIA_RETURN_IF_ERROR(stack->WriteConfig(cria::bench::PullStackConfig()), "");
  for (const std::string& d : daemons) CRIA_RETURN_IF_ERROR(stack->Start(d), "");
  if (!pull_socket.empty()) {
    Status s = cria::bench::CriPullImage(cria::bench::FreshChannel(stack->Socket(pull_socket)),
                                         env.warm_reference, std::chrono::minutes(1));
    if (!s.ok()) PrintLogs(*stack);
    CRIA_RETURN_IF_ERROR(s, "warm-up pull");
  }
  return stack;
}

// One cria pull through the gateway (or, `direct`, on image.sock) by a fresh stack; the
// layers must be in storage afterwards.
Status CriaRun(Env& env, std::vector<double>* ms, bool direct = false) {
  const std::string socket = direct ? "image" : "gateway";
  CRIA_ASSIGN_OR_RETURN(auto stack, FreshStack(env, {"storage", "image", "gateway"}, socket),
                        "start a stack");
  // Connected before the clock starts, as the kubelet's connection is.
  auto channel = cria::bench::FreshChannel(stack->Socket(socket));
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto t0 = Clock::now();
  Status s = cria::bench::CriPullImage(channel, env.image.reference, std::chrono::minutes(10));
  double took = Ms(Clock::now() - t0);
  // The image's layers and the warm-up image's one.
  size_t layers = cria::bench::CountEntries(stack->state_dir() + "/storage/layers");
  if (s.ok() && layers < env.image.layers.size() + 1) {
    s = Status(cria::StatusCode::kInternal,
               "PullImage returned but storage has " + std::to_string(layers) + " layer dirs");
  }
  if (!s.ok()) PrintLogs(*stack);
  stack->Stop();
  CRIA_RETURN_IF_ERROR(s, "");
  if (ms != nullptr) ms->push_back(took);
  ::sync();
  return cria::OkStatus();
}

// The baseline: for each layer, curl the blob to a file, then tar -xzf it into one fresh
// dir.
Status BaselineRun(Env& env, std::vector<double>* ms, std::vector<double>* curl_ms,
                   std::vector<double>* tar_ms) {
  const std::string dir = env.root + "/baseline-" + std::to_string(env.serial++);
  const std::string rootfs = dir + "/rootfs";
  CRIA_RETURN_IF_ERROR(cria::bench::FreshDir(dir), "");
  CRIA_RETURN_IF_ERROR(cria::bench::FreshDir(rootfs), "");
  double curl_total = 0, tar_total = 0;
  auto t0 = Clock::now();
  for (size_t i = 0; i < env.image.built.layer_digests.size(); ++i) {
    const std::string& digest = env.image.built.layer_digests[i];
    const std::string file = dir + "/layer" + std::to_string(i) + ".tar.gz";
    auto a = Clock::now();
    CRIA_RETURN_IF_ERROR(
        cria::bench::RunTool({"curl", "-sf", "-o", file,
                              "http://" + env.registry + "/v2/" + kRepo + "/blobs/" + digest}),
        "fetch layer " + std::to_string(i));
    auto b = Clock::now();
    CRIA_RETURN_IF_ERROR(cria::bench::RunTool({"tar", "-xzf", file, "-C", rootfs}),
                         "unpack layer " + std::to_string(i));
    curl_total += Ms(b - a);
    tar_total += Ms(Clock::now() - b);
  }
  if (ms != nullptr) {
    ms->push_back(Ms(Clock::now() - t0));
    curl_ms->push_back(curl_total);
    tar_ms->push_back(tar_total);
  }
  ::sync();
  return cria::OkStatus();
}

// When each layer of one pull was first seen in each state (ms from the call; -1: never).
struct Trace {
  double total = 0;
  int events = 0;
  std::vector<std::map<int, double>> first;  // [layer][state]: state or a later one
};

// One pull through cria.image.v1.ImagePull on image.sock by a fresh stack, following its
// progress events.
Status TracedPull(Env& env, std::vector<Trace>* traces) {
  namespace iv1 = cria::image::v1;
  CRIA_ASSIGN_OR_RETURN(auto stack, FreshStack(env, {"storage", "image"}, "image"),
                        "start a stack");
  auto channel = cria::bench::FreshChannel(stack->Socket("image"));
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto stub = iv1::ImagePull::NewStub(channel);
  auto ctx = cria::rpc::NewContext(std::chrono::minutes(10), false);
  iv1::PullRequest req;
  req.set_image(env.image.reference);
  Trace trace;
  trace.first.resize(env.image.layers.size());
  auto t0 = Clock::now();
  auto reader = stub->Pull(ctx.get(), req);
  iv1::PullEvent event;
  while (reader->Read(&event)) {
    ++trace.events;
    double now = Ms(Clock::now() - t0);
    if (!event.has_progress()) continue;
    const auto& layers = event.progress().layers();
    for (int i = 0; i < layers.size() && static_cast<size_t>(i) < trace.first.size(); ++i) {
      for (int st = iv1::LayerProgress::DOWNLOADING;
           st <= layers[i].state() && st <= iv1::LayerProgress::DONE; ++st) {
        trace.first[i].emplace(st, now);
      }
    }
  }
  grpc::Status s = reader->Finish();
  trace.total = Ms(Clock::now() - t0);
  if (!s.ok()) PrintLogs(*stack);
  stack->Stop();
  if (!s.ok()) {
    return Status(static_cast<cria::StatusCode>(s.error_code()),
                  "traced pull: " + s.error_message());
  }
  traces->push_back(std::move(trace));
  ::sync();
  return cria::OkStatus();
}

void PrintTrace(const Env& env, const Trace& trace) {
  namespace iv1 = cria::image::v1;
  std::printf("  the traced pull of median length (%d progress events), ms from the call:\n",
              trace.events);
  std::printf("  %-6s %9s %9s %9s %9s %9s %10s %9s\n", "layer", "gzip MiB", "dl start", "dl end",
              "apply at", "done at", "dl MiB/s", "apply ms");
  double apply_sum = 0;
  for (size_t i = 0; i < trace.first.size(); ++i) {
    auto at = [&](int state) {
      auto it = trace.first[i].find(state);
      return it == trace.first[i].end() ? -1.0 : it->second;
    };
    double dl0 = at(iv1::LayerProgress::DOWNLOADING), dl1 = at(iv1::LayerProgress::DOWNLOADED);
    double ap0 = at(iv1::LayerProgress::APPLYING), ap1 = at(iv1::LayerProgress::DONE);
    double mib = env.image.layers[i].compressed / 1048576.0;
    apply_sum += ap1 - ap0;
    std::printf("  %-6zu %9.1f %9.0f %9.0f %9.0f %9.0f %10.1f %9.0f\n", i, mib, dl0, dl1, ap0, ap1,
                dl1 > dl0 ? mib / ((dl1 - dl0) / 1000) : 0.0, ap1 - ap0);
  }
  std::printf("  cria-storage applying %.0f ms of the pull's %.0f ms\n", apply_sum, trace.total);
}

// cria-storage's ApplyLayer of the built blob files, one after the other (no download), in
// a fresh stack.
Status StorageOnly(Env& env, std::vector<double>* ms) {
  namespace sv1 = cria::storage::v1;
  CRIA_ASSIGN_OR_RETURN(auto stack, FreshStack(env, {"storage"}), "start a stack");
  auto stub = sv1::Storage::NewStub(cria::bench::FreshChannel(stack->Socket("storage")));
  std::string parent;
  auto t0 = Clock::now();
  for (size_t i = 0; i < env.image.built.layer_digests.size(); ++i) {
    sv1::ApplyLayerRequest req;
    req.set_parent_chain_id(parent);
    req.set_blob_path(env.image.built.blob_paths.at(env.image.built.layer_digests[i]));
    req.set_expected_diff_id(env.image.built.diff_ids[i]);
    sv1::ApplyLayerResponse resp;
    auto ctx = cria::rpc::NewContext(std::chrono::minutes(10), false);
    grpc::Status s = stub->ApplyLayer(ctx.get(), req, &resp);
    if (!s.ok()) {
      PrintLogs(*stack);
      return Status(static_cast<cria::StatusCode>(s.error_code()),
                    "ApplyLayer " + std::to_string(i) + ": " + s.error_message());
    }
    parent = resp.chain_id();
  }
  ms->push_back(Ms(Clock::now() - t0));
  stack->Stop();
  ::sync();
  return cria::OkStatus();
}

cria::bench::Row RowOf(const std::string& name, const std::vector<double>& cria,
                       const std::vector<double>& base, const std::string& target, double limit) {
  cria::bench::Row row;
  row.benchmark = name;
  row.cria = Summarize(cria);
  row.baseline = "serial curl + tar -xzf of the same blobs";
  row.baseline_p50 = Summarize(base).median;
  row.target = target;
  row.met = limit <= 0 ? "-" : cria::bench::Met(*row.Ratio() <= limit);
  return row;
}

std::string List(const std::vector<double>& v) {
  std::string out;
  for (double x : v) out += " " + std::to_string(static_cast<int>(x + 0.5));
  return out;
}

int Run(int runs, uint64_t size_mib, int layers, const std::string& bin_dir, bool phases, bool keep,
        std::string* root_path) {
  cria::bench::TempRoot root("/tmp/cria-pullbench-");
  if (!root.ok()) {
    std::perror("mkdtemp");
    return 1;
  }
  if (keep) root.Keep();
  *root_path = root.path();
  // The registry's temp dir goes under our root as well.
  const std::string tmp = root.path() + "/tmp";
  if (!cria::bench::FreshDir(tmp).ok()) return 1;
  ::setenv("TMPDIR", tmp.c_str(), 1);

  Env env;
  env.root = root.path();
  env.bin_dir = bin_dir;
  cria::image::registry::testing::TestRegistry registry;
  if (!registry.started()) {
    std::fprintf(stderr, "docker-registry did not start:\n%s\n", registry.log().c_str());
    return 1;
  }
  env.registry = registry.address();
  auto spec = cria::bench::BenchImageSpec(size_mib << 20, layers, 0x70756c6cULL);
  auto image = cria::bench::BuildAndPush(spec, root.path() + "/image", registry, kRepo, kTag);
  if (!image.ok()) {
    std::fprintf(stderr, "%s\n", cria::MessageOf(image.status()).c_str());
    return 1;
  }
  env.image = std::move(*image);
  auto warm = cria::bench::BuildAndPush(cria::bench::BenchImageSpec(256 << 10, 1, 0x7761726dULL),
                                        root.path() + "/warm", registry, "bench/warm", kTag);
  if (!warm.ok()) {
    std::fprintf(stderr, "%s\n", cria::MessageOf(warm.status()).c_str());
    return 1;
  }
  env.warm_reference = warm->reference;
  std::printf("%s", cria::bench::Describe(env.image).c_str());
  std::printf("pulling %s through cria-gateway, each run by a fresh stack in %s/stack-N\n",
              env.image.reference.c_str(), root.path().c_str());

  std::vector<double> cria_ms, base_ms, curl_ms, tar_ms;
  // Warm-up: one of each (page cache for the registry's blobs, curl, tar, the daemons).
  Status s = CriaRun(env, nullptr);
  if (s.ok()) s = BaselineRun(env, nullptr, nullptr, nullptr);
  for (int i = 0; s.ok() && i < runs && !cria::bench::Interrupted(); ++i) {
    // Alternate which goes first, so neither always follows the other.
    if (i % 2 == 0) {
      s = CriaRun(env, &cria_ms);
      if (s.ok()) s = BaselineRun(env, &base_ms, &curl_ms, &tar_ms);
    } else {
      s = BaselineRun(env, &base_ms, &curl_ms, &tar_ms);
      if (s.ok()) s = CriaRun(env, &cria_ms);
    }
  }
  std::vector<double> storage_ms, direct_ms, traced_ms;
  std::vector<Trace> traces;
  for (int i = 0; phases && s.ok() && i < runs && !cria::bench::Interrupted(); ++i) {
    s = TracedPull(env, &traces);
    if (s.ok()) s = StorageOnly(env, &storage_ms);
    if (s.ok()) s = CriaRun(env, &direct_ms, true);
  }
  if (!s.ok() || cria::bench::Interrupted() || cria_ms.size() != static_cast<size_t>(runs)) {
    std::fprintf(stderr, "image-pull failed: %s\n",
                 s.ok() ? "interrupted" : cria::MessageOf(s).c_str());
    return 1;
  }

  auto b = Summarize(base_ms), c = Summarize(curl_ms), t = Summarize(tar_ms);
  std::vector<cria::bench::Row> rows = {
      RowOf("image pull " + std::to_string(layers) + "x gzip, " + std::to_string(size_mib) + " MiB",
            cria_ms, base_ms, "<=0.8", 0.8)};
  if (phases) {
    for (const Trace& trace : traces) traced_ms.push_back(trace.total);
    rows.push_back(RowOf("  PullImage on image.sock", direct_ms, base_ms, "info", 0));
    rows.push_back(RowOf("  ImagePull.Pull (traced)", traced_ms, base_ms, "info", 0));
    cria::bench::Row apply = RowOf("  storage ApplyLayer x5 vs tar", storage_ms, tar_ms, "info", 0);
    apply.baseline = "tar -xzf of the same blobs";
    rows.push_back(apply);
  }
  bool recorded = cria::bench::ReportAll(rows);
  if (phases) {
    std::printf("  baseline parts p50: curl %.0f ms, tar -xzf %.0f ms\n", c.median, t.median);
    std::sort(traces.begin(), traces.end(),
              [](const Trace& x, const Trace& y) { return x.total < y.total; });
    PrintTrace(env, traces[traces.size() / 2]);
  }
  std::printf(
      "runs: %d alternating, after one warm-up each; baseline (curl + tar -xzf, serial) "
      "p50/p90/max %.0f/%.0f/%.0f ms\n",
      runs, b.median, b.p90, b.max);
  std::printf("samples (ms, in run order): cria%s; baseline%s\n", List(cria_ms).c_str(),
              List(base_ms).c_str());
  return recorded ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"image pull: cria PullImage vs serial curl + tar -xzf of the same blobs"};
  int runs = 5, layers = 5;
  uint64_t size_mib = 300;
  std::string bin_dir = "bazel-bin";
  bool phases = false, keep = false;
  app.add_option("--runs", runs)->check(CLI::PositiveNumber);
  app.add_option("--size-mib", size_mib, "uncompressed file data in all layers")
      ->check(CLI::PositiveNumber);
  app.add_option("--layers", layers)->check(CLI::Range(1, 64));
  app.add_option("--bin-dir", bin_dir, "where services/*/cria-* are (bazel-bin)");
  app.add_flag("--phases", phases, "also show where the time goes (download vs apply)");
  app.add_flag("--keep", keep, "keep the temp root (logs, state) instead of removing it");
  CLI11_PARSE(app, argc, argv);
  cria::bench::InstallInterruptHandler();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress in order with stderr

  std::string root;
  int rc = Run(runs, size_mib, layers, bin_dir, phases, keep, &root);
  if (keep && !root.empty()) std::printf("kept %s\n", root.c_str());
  // Everything is stopped and removed by now; say so if a mount survived.
  for (const auto& m : root.empty() ? std::vector<std::string>{} : cria::bench::MountsUnder(root)) {
    std::fprintf(stderr, "left mounted: %s\n", m.c_str());
    rc = 1;
  }
  return rc;
}

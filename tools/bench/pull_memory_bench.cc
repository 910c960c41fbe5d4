// Pull memory benchmark: the peak resident memory of cria-image while it pulls one big gzip
// layer (default 1 GiB uncompressed, mixed partly compressible files) from a real
// docker-registry on 127.0.0.1, with CRI PullImage on image.sock. A pull streams the blob
// to a file and cria-storage unpacks it from there, so cria-image's memory must not grow
// with the layer: target peak VmRSS < 64 MiB. cria-storage's peak is printed for
// information. VmRSS and RssAnon come from /proc/PID/status, sampled every 50 ms.
//
// Usage: pull_memory_bench [--size-mib M] [--interval-ms I] [--bin-dir DIR]
// (tools/bench/pull-memory calls this from the repository root; run as root).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "services/image/registry/test_registry.h"
#include "tools/bench/bench_stack.h"
#include "tools/bench/pull_support.h"
#include "tools/bench/report.h"
#include "tools/bench/stats.h"

namespace {

using cria::Status;
using cria::bench::Clock;
using cria::bench::MiB;
using cria::bench::Ms;
using cria::bench::Rss;

constexpr uint64_t kTargetKib = 64 << 10;

int Run(uint64_t size_mib, int interval_ms, const std::string& bin_dir, std::string* root_path) {
  cria::bench::TempRoot root("/tmp/cria-pullmem-");
  if (!root.ok()) {
    std::perror("mkdtemp");
    return 1;
  }
  *root_path = root.path();
  const std::string tmp = root.path() + "/tmp";
  if (!cria::bench::FreshDir(tmp).ok()) return 1;
  ::setenv("TMPDIR", tmp.c_str(), 1);  // the registry's dir goes under our root too

  cria::image::registry::testing::TestRegistry registry;
  if (!registry.started()) {
    std::fprintf(stderr, "docker-registry did not start:\n%s\n", registry.log().c_str());
    return 1;
  }
  auto spec = cria::bench::BenchImageSpec(size_mib << 20, 1, 0x6d656d6fULL);
  auto image = cria::bench::BuildAndPush(spec, root.path() + "/image", registry, "bench/big", "v1");
  if (!image.ok()) {
    std::fprintf(stderr, "%s\n", cria::MessageOf(image.status()).c_str());
    return 1;
  }
  std::printf("%s", cria::bench::Describe(*image).c_str());

  cria::bench::DaemonStack stack(root.path() + "/stack", bin_dir);
  Status s = stack.WriteConfig(cria::bench::PullStackConfig());
  for (const char* d : {"storage", "image"}) {
    if (s.ok()) s = stack.Start(d);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "starting the stack: %s\n", cria::MessageOf(s).c_str());
    return 1;
  }
  const pid_t image_pid = stack.Pid("image"), storage_pid = stack.Pid("storage");
  std::this_thread::sleep_for(std::chrono::seconds(1));  // start-up allocations settle
  Rss idle_image, idle_storage;
  cria::bench::ReadRss(image_pid, &idle_image);
  cria::bench::ReadRss(storage_pid, &idle_storage);

  cria::bench::PeakRssSampler sampler({image_pid, storage_pid},
                                      std::chrono::milliseconds(interval_ms));
  auto t0 = Clock::now();
  auto channel = cria::bench::FreshChannel(stack.Socket("image"));
  s = cria::bench::CriPullImage(channel, image->reference, std::chrono::minutes(20));
  double pull_ms = Ms(Clock::now() - t0);
  sampler.Stop();
  Rss after_image;
  cria::bench::ReadRss(image_pid, &after_image);
  if (s.ok()) s = cria::bench::CriRemoveImage(channel, image->reference);
  if (!s.ok() || cria::bench::Interrupted()) {
    std::fprintf(stderr, "pull-memory failed: %s\n",
                 s.ok() ? "interrupted" : cria::MessageOf(s).c_str());
    std::fprintf(stderr, "cria-image log (tail):\n%s", stack.LogTail("image").c_str());
    std::fprintf(stderr, "cria-storage log (tail):\n%s", stack.LogTail("storage").c_str());
    return 1;
  }

  Rss peak_image = sampler.Peak(0), peak_storage = sampler.Peak(1);
  std::printf("pull of %s: %.1f s (%.0f MiB/s of gzip), %d samples every %d ms\n",
              image->reference.c_str(), pull_ms / 1000,
              image->compressed / 1048576.0 / (pull_ms / 1000), sampler.samples(), interval_ms);
  std::printf("%-14s %12s %12s %14s %14s\n", "daemon", "idle VmRSS", "idle RssAnon", "peak VmRSS",
              "peak RssAnon");
  std::printf("%-14s %12s %12s %14s %14s\n", "cria-image", MiB(idle_image.vm_rss_kib).c_str(),
              MiB(idle_image.rss_anon_kib).c_str(), MiB(peak_image.vm_rss_kib).c_str(),
              MiB(peak_image.rss_anon_kib).c_str());
  std::printf("%-14s %12s %12s %14s %14s\n", "cria-storage", MiB(idle_storage.vm_rss_kib).c_str(),
              MiB(idle_storage.rss_anon_kib).c_str(), MiB(peak_storage.vm_rss_kib).c_str(),
              MiB(peak_storage.rss_anon_kib).c_str());
  const std::string pulling = " pulling " + std::to_string(size_mib) + " MiB";
  cria::bench::Row image_row;
  image_row.benchmark = "cria-image peak VmRSS" + pulling;
  image_row.unit = "MiB";
  image_row.cria = cria::bench::Single(peak_image.vm_rss_kib / 1024.0);
  image_row.target = "<64MiB";
  image_row.met = cria::bench::Met(peak_image.vm_rss_kib < kTargetKib);
  cria::bench::Row storage_row;
  storage_row.benchmark = "cria-storage peak VmRSS" + pulling;
  storage_row.unit = "MiB";
  storage_row.cria = cria::bench::Single(peak_storage.vm_rss_kib / 1024.0);
  bool recorded = cria::bench::ReportAll({image_row, storage_row});
  std::printf("cria-image right after the pull: VmRSS %s, RssAnon %s\n",
              MiB(after_image.vm_rss_kib).c_str(), MiB(after_image.rss_anon_kib).c_str());
  return recorded ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pull memory: peak RSS of cria-image pulling one big gzip layer"};
  uint64_t size_mib = 1024;
  int interval_ms = 50;
  std::string bin_dir = "bazel-bin";
  app.add_option("--size-mib", size_mib, "uncompressed file data in the layer")
      ->check(CLI::PositiveNumber);
  app.add_option("--interval-ms", interval_ms, "RSS sampling period")->check(CLI::PositiveNumber);
  app.add_option("--bin-dir", bin_dir, "where services/*/cria-* are (bazel-bin)");
  CLI11_PARSE(app, argc, argv);
  cria::bench::InstallInterruptHandler();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress in order with stderr

  std::string root;
  int rc = Run(size_mib, interval_ms, bin_dir, &root);
  for (const auto& m : root.empty() ? std::vector<std::string>{} : cria::bench::MountsUnder(root)) {
    std::fprintf(stderr, "left mounted: %s\n", m.c_str());
    rc = 1;
  }
  return rc;
}

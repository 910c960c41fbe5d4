// What the pull benchmarks (image_pull_bench, pull_memory_bench) share: the benchmark
// image (layers of mixed, partly compressible files, built with the test image builder and
// pushed to a real docker-registry on 127.0.0.1), the calls that pull and remove it
// through cria, the config of the stack, and RSS sampling of a daemon during a pull.
#pragma once

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "libs/status/status.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/layer_spec.h"

namespace cria::bench {

namespace imgtest = cria::image::testing;

// A layer like the ones images are made of: `bytes` in all, in files of mixed sizes (most
// small and text-like, a few large ones holding most of the bytes; compressibility about
// 0.5 overall) in nested directories of at most 32 files, with some symlinks.
imgtest::LayerSpec MixedFilesLayer(uint64_t bytes, uint64_t seed);

// `layers` gzip layers sharing `total_bytes`, the base the biggest (weights n, n-1, ..., 1).
imgtest::ImageSpec BenchImageSpec(uint64_t total_bytes, int layers, uint64_t seed);

struct LayerFacts {
  uint64_t files = 0, uncompressed = 0, compressed = 0;
};

struct BenchImage {
  imgtest::BuiltImageFiles built;
  std::string repo, tag;
  std::string reference;  // "127.0.0.1:<port>/<repo>:<tag>"
  std::vector<LayerFacts> layers;
  uint64_t uncompressed = 0, compressed = 0, files = 0;
  double build_seconds = 0, push_seconds = 0;
};

// Builds `spec` under `dir` (blobs streamed to files) and pushes it to `registry` as
// `repo`:`tag`.
Result<BenchImage> BuildAndPush(const imgtest::ImageSpec& spec, const std::string& dir,
                                image::registry::testing::TestRegistry& registry,
                                const std::string& repo, const std::string& tag);

// "image: 5 layers, 1234 files, 300.0 MiB uncompressed, 160.2 MiB gzip (...)".
std::string Describe(const BenchImage& image);

// The config of the benchmark stack: defaults (the registry on 127.0.0.1 is reached over
// plain HTTP as every loopback registry is) with info logging.
std::string PullStackConfig();

// CRI runtime.v1.ImageService calls on `channel`: to the gateway's cria.sock, or to
// cria-image's image.sock, which serves the same service.
Status CriPullImage(const std::shared_ptr<grpc::Channel>& channel, const std::string& image,
                    std::chrono::milliseconds timeout);
Status CriRemoveImage(const std::shared_ptr<grpc::Channel>& channel, const std::string& image);

// Entries of directory `dir` (0 when it does not exist).
size_t CountEntries(const std::string& dir);

// Runs argv (no shell), failing with its stderr when it does not exit 0.
Status RunTool(const std::vector<std::string>& argv);

// A process's resident memory from /proc/PID/status, in KiB.
struct Rss {
  uint64_t vm_rss_kib = 0;
  uint64_t rss_anon_kib = 0;
};
bool ReadRss(pid_t pid, Rss* out);

// Samples the RSS of `pids` every `interval` on a thread of its own until Stop(), keeping
// the peak of each figure per process.
class PeakRssSampler {
 public:
  PeakRssSampler(std::vector<pid_t> pids, std::chrono::milliseconds interval);
  ~PeakRssSampler();  // Stop()
  void Stop();
  Rss Peak(size_t i) const;
  int samples() const { return samples_; }

 private:
  void Loop();

  std::vector<pid_t> pids_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::vector<Rss> peaks_;  // guarded by mu_
  std::atomic<bool> stop_{false};
  std::atomic<int> samples_{0};
  std::thread thread_;
};

// "12.3 MiB".
std::string MiB(uint64_t kib);

}  // namespace cria::bench

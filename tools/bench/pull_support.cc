#include "tools/bench/pull_support.h"

#include <dirent.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "cri/runtime/v1/cri_api.h"
#include "libs/process/process.h"
#include "libs/rpc/client.h"
#include "services/image/testing/image_push.h"
#include "tools/bench/rng.h"
#include "tools/bench/stats.h"

namespace cria::bench {
namespace {

Status FromGrpc(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return OkStatus();
  return Status(static_cast<StatusCode>(s.error_code()), what + ": " + s.error_message());
}

}  // namespace

imgtest::LayerSpec MixedFilesLayer(uint64_t bytes, uint64_t seed) {
  static const char* const kTops[] = {"usr/lib/x86_64-linux-gnu",
                                      "usr/share/doc",
                                      "usr/share/locale",
                                      "usr/bin",
                                      "etc",
                                      "opt/app/lib",
                                      "var/lib"};
  imgtest::LayerSpec spec;
  spec.compression = imgtest::Compression::kGzip;
  spec.created_by = "bench: mixed files, " + std::to_string(bytes) + " bytes";
  Rng rng(seed * 0x5851f42d4c957f2dULL + 7);
  std::set<std::string> dirs;
  auto ensure_dir = [&](const std::string& dir) {
    for (size_t pos = dir.find('/');; pos = dir.find('/', pos + 1)) {
      std::string prefix = dir.substr(0, pos);
      if (dirs.insert(prefix).second) spec.Dir(prefix);
      if (pos == std::string::npos) break;
    }
  };
  std::string dir;
  uint64_t in_dir = 0, dir_limit = 0, dir_count = 0;
  uint64_t written = 0;
  for (uint64_t i = 0; written < bytes; ++i) {
    if (in_dir >= dir_limit) {
      dir = std::string(kTops[rng.Next() % (sizeof(kTops) / sizeof(kTops[0]))]) + "/pkg" +
            std::to_string(seed) + "-" + std::to_string(dir_count++);
      if (rng.Next() % 3 == 0) dir += "/sub" + std::to_string(rng.Next() % 5);
      ensure_dir(dir);
      in_dir = 0;
      dir_limit = rng.Range(4, 32);
    }
    // 80% small text-like files, 18% medium, 2% large ones that hold most of the bytes.
    uint64_t kind = rng.Next() % 100;
    uint64_t size;
    double compressibility;
    const char* ext;
    if (kind < 80) {
      size = rng.LogRange(256, 64 << 10);
      compressibility = 0.7;
      ext = ".txt";
    } else if (kind < 98) {
      size = rng.LogRange(64 << 10, 1 << 20);
      compressibility = 0.5;
      ext = ".so";
    } else {
      size = rng.LogRange(1 << 20, 16 << 20);
      compressibility = 0.45;
      ext = ".bin";
    }
    size = std::max<uint64_t>(1, std::min(size, bytes - written));
    std::string path = dir + "/f" + std::to_string(i) + ext;
    spec.Generated(path, imgtest::GeneratedContent{size, seed * 1000003 + i, compressibility});
    written += size;
    ++in_dir;
    if (i % 40 == 39) {
      spec.Symlink(dir + "/link" + std::to_string(i), i % 80 == 79 ? "/etc/hostname" : "f0.txt");
    }
  }
  return spec;
}

imgtest::ImageSpec BenchImageSpec(uint64_t total_bytes, int layers, uint64_t seed) {
  imgtest::ImageSpec spec;
  spec.cmd = {"/bin/sh"};
  const uint64_t weights = static_cast<uint64_t>(layers) * (layers + 1) / 2;
  uint64_t assigned = 0;
  for (int i = 0; i < layers; ++i) {
    uint64_t share = i + 1 == layers ? total_bytes - assigned
                                     : total_bytes * static_cast<uint64_t>(layers - i) / weights;
    assigned += share;
    spec.layers.push_back(MixedFilesLayer(share, seed + static_cast<uint64_t>(i)));
  }
  return spec;
}

Result<BenchImage> BuildAndPush(const imgtest::ImageSpec& spec, const std::string& dir,
                                image::registry::testing::TestRegistry& registry,
                                const std::string& repo, const std::string& tag) {
  BenchImage image;
  image.repo = repo;
  image.tag = tag;
  image.reference = registry.address() + "/" + repo + ":" + tag;
  auto t0 = Clock::now();
  CRIA_RETURN_IF_ERROR(imgtest::BuildToDir(spec, dir, &image.built), "build the image");
  auto t1 = Clock::now();
  CRIA_RETURN_IF_ERROR(imgtest::PushFiles(registry, repo, tag, image.built),
                       "push the image to " + registry.address());
  image.build_seconds = Ms(t1 - t0) / 1000;
  image.push_seconds = Ms(Clock::now() - t1) / 1000;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    LayerFacts facts;
    for (const auto& e : spec.layers[i].entries) {
      if (e.kind != imgtest::LayerEntry::Kind::kFile) continue;
      ++facts.files;
      facts.uncompressed += e.generated.size + e.content.size();
    }
    facts.compressed = static_cast<uint64_t>(image.built.layer_sizes[i]);
    image.uncompressed += facts.uncompressed;
    image.compressed += facts.compressed;
    image.files += facts.files;
    image.layers.push_back(facts);
  }
  return image;
}

std::string Describe(const BenchImage& image) {
  char line[256];
  std::snprintf(line, sizeof(line),
                "image: %zu gzip layers, %llu files, %.1f MiB of file data, %.1f MiB gzip "
                "(built in %.1f s, pushed in %.1f s)\n",
                image.layers.size(), static_cast<unsigned long long>(image.files),
                image.uncompressed / 1048576.0, image.compressed / 1048576.0, image.build_seconds,
                image.push_seconds);
  std::string out = line;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const LayerFacts& l = image.layers[i];
    std::snprintf(line, sizeof(line), "  layer %zu: %6llu files %8.1f MiB -> %7.1f MiB gzip\n", i,
                  static_cast<unsigned long long>(l.files), l.uncompressed / 1048576.0,
                  l.compressed / 1048576.0);
    out += line;
  }
  return out;
}

std::string PullStackConfig() { return "common:\n  log_level: info\n"; }

Status CriPullImage(const std::shared_ptr<grpc::Channel>& channel, const std::string& image,
                    std::chrono::milliseconds timeout) {
  auto stub = runtime::v1::ImageService::NewStub(channel);
  auto ctx = rpc::NewContext(timeout, false);
  runtime::v1::PullImageRequest req;
  req.mutable_image()->set_image(image);
  runtime::v1::PullImageResponse resp;
  return FromGrpc(stub->PullImage(ctx.get(), req, &resp), "PullImage " + image);
}

Status CriRemoveImage(const std::shared_ptr<grpc::Channel>& channel, const std::string& image) {
  auto stub = runtime::v1::ImageService::NewStub(channel);
  auto ctx = rpc::NewContext(std::chrono::minutes(2), false);
  runtime::v1::RemoveImageRequest req;
  req.mutable_image()->set_image(image);
  runtime::v1::RemoveImageResponse resp;
  return FromGrpc(stub->RemoveImage(ctx.get(), req, &resp), "RemoveImage " + image);
}

size_t CountEntries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  size_t n = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  ::closedir(d);
  return n;
}

Status RunTool(const std::vector<std::string>& argv) {
  process::Command c;
  c.argv = argv;
  c.timeout = std::chrono::minutes(10);
  Result<process::Outcome> r = process::Run(c);
  if (!r.ok()) return Annotate(r.status(), argv[0]);
  if (!r->Succeeded()) {
    return Status(StatusCode::kInternal, argv[0] + ": " + r->Describe() + ": " + r->err);
  }
  return OkStatus();
}

bool ReadRss(pid_t pid, Rss* out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return false;
  std::string line;
  bool found = false;
  while (std::getline(in, line)) {
    uint64_t kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %llu kB", reinterpret_cast<unsigned long long*>(&kib)) ==
        1) {
      out->vm_rss_kib = kib;
      found = true;
    } else if (std::sscanf(line.c_str(), "RssAnon: %llu kB",
                           reinterpret_cast<unsigned long long*>(&kib)) == 1) {
      out->rss_anon_kib = kib;
    }
  }
  return found;
}

PeakRssSampler::PeakRssSampler(std::vector<pid_t> pids, std::chrono::milliseconds interval)
    : pids_(std::move(pids)), interval_(interval), peaks_(pids_.size()) {
  thread_ = std::thread([this] { Loop(); });
}

PeakRssSampler::~PeakRssSampler() { Stop(); }

void PeakRssSampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Rss PeakRssSampler::Peak(size_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return peaks_[i];
}

void PeakRssSampler::Loop() {
  auto next = Clock::now();
  while (true) {
    for (size_t i = 0; i < pids_.size(); ++i) {
      Rss now;
      if (!ReadRss(pids_[i], &now)) continue;
      std::lock_guard<std::mutex> lock(mu_);
      peaks_[i].vm_rss_kib = std::max(peaks_[i].vm_rss_kib, now.vm_rss_kib);
      peaks_[i].rss_anon_kib = std::max(peaks_[i].rss_anon_kib, now.rss_anon_kib);
    }
    ++samples_;
    if (stop_) break;  // that was the last sample, taken after Stop()
    next += interval_;
    std::this_thread::sleep_until(next);
  }
}

std::string MiB(uint64_t kib) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", kib / 1024.0);
  return buf;
}

}  // namespace cria::bench

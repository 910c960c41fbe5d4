// Layer apply benchmark (issue 5): cria's layers::ApplyLayer of a ~300 MiB (uncompressed)
// gzip layer against GNU `tar -xzf` of the same blob, each into a fresh empty directory,
// alternating in one run. The layer is generated once with GNU tar + gzip (default level)
// and looks like a distro image: a few thousand small text-like files in nested dirs, a
// few hundred medium partly compressible ones, a few big random binaries and symlinks.
// The extracted trees are removed and synced between rounds (not timed).
//
// Usage: layer_apply_bench [--runs N] [--size-mib M] [--keep-dir DIR] [--phases]
// (tools/bench/layer-apply calls this; run as root, as the storage service does.)
// --keep-dir keeps the generated blob in DIR and reuses it when it is already there.
// --phases also times the uncompressed tar (cria vs `tar -xf`) and `gzip -dc`, to see
// whether decompression or writing takes the time.
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "libs/process/process.h"
#include "services/storage/layers/apply.h"
#include "tools/bench/report.h"
#include "tools/bench/rng.h"
#include "tools/bench/stats.h"

namespace {

using Clock = cria::bench::Clock;
namespace layers = cria::storage::layers;

using cria::bench::Ms;
using cria::bench::Rng;
using cria::bench::Stats;
using cria::bench::Summarize;

const char* const kWords[] = {
    "the",      "config",  "library", "usr",      "share",     "locale",  "error",   "value",
    "return",   "static",  "include", "function", "package",   "version", "license", "data",
    "message",  "default", "system",  "option",   "string",    "module",  "python",  "install",
    "return",   "if",      "else",    "for",      "while",     "int",     "char",    "void",
    "/usr/lib", "0x7f",    "utf-8",   "GPL-2.0",  "Copyright", "(C)",     "Debian",  "amd64"};

// Text-like bytes: random words and punctuation, compressing roughly 3-4x with gzip.
void AppendText(Rng& rng, size_t size, std::string* out) {
  size_t end = out->size() + size;
  while (out->size() < end) {
    uint64_t r = rng.Next();
    out->append(kWords[r % (sizeof(kWords) / sizeof(kWords[0]))]);
    out->push_back((r >> 8) % 11 == 0 ? '\n' : ((r >> 16) % 7 == 0 ? '=' : ' '));
    if ((r >> 24) % 13 == 0) out->append(std::to_string((r >> 32) % 100000));
  }
  out->resize(end);
}

void AppendRandom(Rng& rng, size_t size, std::string* out) {
  size_t start = out->size();
  out->resize(start + size);
  for (size_t i = 0; i < size; i += 8) {
    uint64_t r = rng.Next();
    std::memcpy(out->data() + start + i, &r, std::min<size_t>(8, size - i));
  }
}

bool WriteFile(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0 && done == data.size();
}

bool MakeDirs(const std::string& path) {
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

int RemoveOne(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

bool RemoveTree(const std::string& path) {
  return ::nftw(path.c_str(), RemoveOne, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0 ||
         errno == ENOENT;
}

template <typename T>
std::string MessageOfStatus(const T& result) {
  return cria::MessageOf(result.status());
}

bool RunCommand(const std::vector<std::string>& argv, std::string* error) {
  cria::process::Command c;
  c.argv = argv;
  c.timeout = std::chrono::minutes(10);
  auto r = cria::process::Run(c);
  if (!r.ok() || !r->Succeeded()) {
    *error = argv[0] + ": " + (r.ok() ? r->Describe() + ": " + r->err : MessageOfStatus(r));
    return false;
  }
  return true;
}

struct TreeStats {
  uint64_t small = 0, medium = 0, big = 0, links = 0, dirs = 0, bytes = 0;
};

// Writes the layer's source tree under `src`: about `size_mib` MiB in all.
bool GenerateTree(const std::string& src, uint64_t size_mib, TreeStats* stats) {
  const uint64_t total = size_mib << 20;
  const double scale = static_cast<double>(size_mib) / 300.0;
  Rng rng(0x6372696131ULL);
  std::string data;
  std::vector<std::string> dirs;
  const char* const kTop[] = {"usr/lib", "usr/share/doc", "usr/share/locale", "etc",
                              "usr/bin", "usr/include",   "var/lib",          "opt/app"};
  for (const char* top : kTop) {
    for (int i = 0; i < std::max(4, static_cast<int>(40 * scale)); ++i) {
      std::string dir = src + "/" + top + "/pkg" + std::to_string(i);
      if (i % 3 == 0) dir += "/sub" + std::to_string(i % 7);
      if (i % 5 == 0) dir += "/deeper/still";
      if (!MakeDirs(dir)) return false;
      dirs.push_back(dir);
      ++stats->dirs;
    }
  }
  auto pick_dir = [&] { return dirs[rng.Next() % dirs.size()]; };
  // Small files: ~4000 (1-64 KiB of text), ~20% of the bytes.
  uint64_t small_budget = total * 20 / 100;
  for (uint64_t used = 0; used < small_budget; ++stats->small) {
    data.clear();
    AppendText(rng, rng.LogRange(1 << 10, 64 << 10), &data);
    std::string path = pick_dir() + "/f" + std::to_string(stats->small) + ".txt";
    if (!WriteFile(path, data)) return false;
    used += data.size();
    stats->bytes += data.size();
    // Some symlinks, relative and absolute, as distro images have.
    if (stats->small % 20 == 0) {
      std::string link = pick_dir() + "/l" + std::to_string(stats->small);
      std::string target = stats->small % 40 == 0 ? "/usr/bin/pkg0/f0.txt" : "../f.so";
      if (::symlink(target.c_str(), link.c_str()) != 0) return false;
      ++stats->links;
    }
  }
  // Medium files: a few hundred (100 KiB-2 MiB, half text, half random), ~45%.
  uint64_t medium_budget = total * 45 / 100;
  for (uint64_t used = 0; used < medium_budget; ++stats->medium) {
    data.clear();
    uint64_t size = rng.LogRange(100 << 10, 2 << 20);
    while (data.size() < size) {
      size_t chunk = std::min<size_t>(size - data.size(), 16 << 10);
      if (rng.Next() % 2 == 0) {
        AppendText(rng, chunk, &data);
      } else {
        AppendRandom(rng, chunk, &data);
      }
    }
    std::string path = pick_dir() + "/m" + std::to_string(stats->medium) + ".so";
    if (!WriteFile(path, data)) return false;
    used += data.size();
    stats->bytes += data.size();
  }
  // Big binaries: 10-40 MiB each, the rest of the budget (~35%); random-ish: 64 KiB
  // chunks, three in four random, the others text.
  while (stats->bytes < total) {
    uint64_t size = std::min<uint64_t>(rng.Range(10 << 20, 40 << 20), total - stats->bytes);
    data.clear();
    while (data.size() < size) {
      size_t chunk = std::min<size_t>(size - data.size(), 64 << 10);
      if (rng.Next() % 4 == 0) {
        AppendText(rng, chunk, &data);
      } else {
        AppendRandom(rng, chunk, &data);
      }
    }
    std::string path = src + "/opt/app/big" + std::to_string(stats->big++) + ".bin";
    if (!WriteFile(path, data)) return false;
    stats->bytes += size;
  }
  return true;
}

bool FreshDir(const std::string& path) {
  RemoveTree(path);
  return ::mkdir(path.c_str(), 0755) == 0;
}

// Times `fn` into a fresh `dir`; removes the tree and syncs afterwards (not timed).
bool Timed(const std::string& dir, const std::function<bool(std::string*)>& fn,
           std::vector<double>* ms, std::string* error) {
  if (!FreshDir(dir)) {
    *error = "cannot create " + dir;
    return false;
  }
  auto t0 = Clock::now();
  if (!fn(error)) return false;
  if (ms != nullptr) ms->push_back(Ms(Clock::now() - t0));
  RemoveTree(dir);
  ::sync();
  return true;
}

cria::bench::Row RowOf(const std::string& name, const std::vector<double>& cria,
                       const std::vector<double>& base, const std::string& baseline,
                       const std::string& target, double limit) {
  cria::bench::Row row;
  row.benchmark = name;
  row.cria = Summarize(cria);
  row.baseline = baseline;
  row.baseline_p50 = Summarize(base).median;
  row.target = target;
  row.met = limit <= 0 ? "-" : cria::bench::Met(*row.Ratio() <= limit);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"layer apply: cria's ApplyLayer vs GNU tar -xzf of the same gzip blob"};
  int runs = 5;
  uint64_t size_mib = 300;
  std::string keep_dir;
  bool phases = false;
  app.add_option("--runs", runs)->check(CLI::PositiveNumber);
  app.add_option("--size-mib", size_mib)->check(CLI::PositiveNumber);
  app.add_option("--keep-dir", keep_dir, "keep (and reuse) the generated blob here");
  app.add_flag("--phases", phases, "also time the plain tar and gzip -dc (where time goes)");
  CLI11_PARSE(app, argc, argv);

  std::string work;
  if (keep_dir.empty()) {
    std::string pattern = "/tmp/cria-layerbench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    work = pattern;
  } else {
    if (!MakeDirs(keep_dir)) {
      std::fprintf(stderr, "cannot create %s\n", keep_dir.c_str());
      return 1;
    }
    work = keep_dir;
  }
  auto cleanup = [&] {
    if (keep_dir.empty()) {
      RemoveTree(work);
    } else {
      RemoveTree(work + "/src");
      RemoveTree(work + "/out");
    }
  };
  const std::string blob = work + "/layer-" + std::to_string(size_mib) + "m.tar.gz";
  const std::string plain = work + "/layer-" + std::to_string(size_mib) + "m.tar";
  const std::string out = work + "/out";
  std::string error;

  struct stat st;
  if (::stat(blob.c_str(), &st) != 0) {
    TreeStats tree;
    auto t0 = Clock::now();
    const std::string src = work + "/src";
    RemoveTree(src);
    if (!GenerateTree(src, size_mib, &tree) ||
        !RunCommand({"tar", "-czf", blob + ".tmp", "-C", src, "."}, &error) ||
        ::rename((blob + ".tmp").c_str(), blob.c_str()) != 0) {
      std::fprintf(stderr, "generating the layer failed: %s\n", error.c_str());
      cleanup();
      return 1;
    }
    RemoveTree(src);
    std::printf(
        "layer: %llu small, %llu medium, %llu big files, %llu symlinks, %llu dirs, "
        "%.0f MiB; generated in %.1f s\n",
        static_cast<unsigned long long>(tree.small), static_cast<unsigned long long>(tree.medium),
        static_cast<unsigned long long>(tree.big), static_cast<unsigned long long>(tree.links),
        static_cast<unsigned long long>(tree.dirs), tree.bytes / 1048576.0,
        Ms(Clock::now() - t0) / 1000);
    if (::stat(blob.c_str(), &st) != 0) return 1;
  }

  layers::ApplyResult applied;
  auto cria_apply = [&](const std::string& path) {
    return [&, path](std::string* e) {
      auto r = layers::ApplyLayer(path, out, {});
      if (!r.ok()) {
        *e = cria::MessageOf(r.status());
        return false;
      }
      applied = *r;
      return true;
    };
  };
  auto tar_x = [&](const char* flags, const std::string& path) {
    return [&, flags, path](std::string* e) {
      return RunCommand({"tar", flags, path, "-C", out}, e);
    };
  };

  // Warm-up: one of each (page cache for the blob, the tar binary, the allocator).
  if (!Timed(out, cria_apply(blob), nullptr, &error) ||
      !Timed(out, tar_x("-xzf", blob), nullptr, &error)) {
    std::fprintf(stderr, "warm-up failed: %s\n", error.c_str());
    cleanup();
    return 1;
  }
  std::printf("blob: %.1f MiB gzip, %.1f MiB uncompressed, %llu entries\n", st.st_size / 1048576.0,
              applied.uncompressed_size / 1048576.0,
              static_cast<unsigned long long>(applied.entries));

  std::vector<double> cria_ms, base_ms;
  for (int i = 0; i < runs; ++i) {
    if (!Timed(out, cria_apply(blob), &cria_ms, &error) ||
        !Timed(out, tar_x("-xzf", blob), &base_ms, &error)) {
      std::fprintf(stderr, "run %d failed: %s\n", i, error.c_str());
      cleanup();
      return 1;
    }
  }

  std::vector<double> plain_cria, plain_tar, gunzip;
  if (phases) {
    std::string e;
    if (!RunCommand({"sh", "-c", "exec gzip -dc \"$0\" > \"$1\"", blob, plain}, &e)) {
      std::fprintf(stderr, "gunzip failed: %s\n", e.c_str());
      cleanup();
      return 1;
    }
    for (int i = 0; i < runs; ++i) {
      auto t0 = Clock::now();
      if (!RunCommand({"sh", "-c", "exec gzip -dc \"$0\" > /dev/null", blob}, &e)) break;
      gunzip.push_back(Ms(Clock::now() - t0));
      if (!Timed(out, cria_apply(plain), &plain_cria, &e) ||
          !Timed(out, tar_x("-xf", plain), &plain_tar, &e)) {
        std::fprintf(stderr, "phases run %d failed: %s\n", i, e.c_str());
        cleanup();
        return 1;
      }
    }
    ::unlink(plain.c_str());
  }

  Stats b = Summarize(base_ms);
  std::vector<cria::bench::Row> rows = {
      RowOf("layer apply " + std::to_string(size_mib) + " MiB gzip", cria_ms, base_ms,
            "GNU tar -xzf of the same blob", "<=1.0", 1.0)};
  if (phases && !plain_cria.empty()) {
    rows.push_back(RowOf("  plain tar (no gzip)", plain_cria, plain_tar, "GNU tar -xf", "info", 0));
  }
  bool recorded = cria::bench::ReportAll(rows);
  if (phases && !plain_cria.empty()) {
    Stats g = Summarize(gunzip);
    std::printf("%-28s %10s %8.0fms   (gzip -dc >/dev/null alone)\n", "  gzip -dc", "", g.median);
  }
  std::printf(
      "runs: %d alternating, after one warm-up each; baseline (tar -xzf) p50/p90/max "
      "%.0f/%.0f/%.0f ms\n",
      runs, b.median, b.p90, b.max);
  cleanup();
  return recorded ? 0 : 1;
}

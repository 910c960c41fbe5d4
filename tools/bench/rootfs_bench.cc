// cria-storage benchmarks of issue 5 that need no daemon around them:
//  - container rootfs create + mount on a 10-layer image (target: median under 5 ms),
//    against the same overlay mounted by hand (mkdir upper/work/merged + mount(2));
//  - applying a layer that is already present (target: O(1)), against applying it.
// Layers are real gzip layers made by GNU tar. Runs alternate, after one warm-up.
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "libs/log/log.h"
#include "libs/process/process.h"
#include "services/storage/drivers/driver.h"
#include "services/storage/store/layer_store.h"
#include "services/storage/store/rootfs_store.h"
#include "tools/bench/report.h"
#include "tools/bench/stats.h"

namespace {

namespace fs = std::filesystem;
namespace store = cria::storage::store;
using Clock = cria::bench::Clock;

using cria::bench::Ms;
using cria::bench::Stats;
using cria::bench::Summarize;

bool Sh(const std::string& script) {
  cria::process::Command cmd;
  cmd.argv = {"/bin/sh", "-c", script};
  auto r = cria::process::Run(cmd);
  return r.ok() && r->Succeeded();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cria-storage: rootfs create+mount and present-layer apply"};
  int runs = 50;
  app.add_option("--runs", runs);
  CLI11_PARSE(app, argc, argv);
  cria::log::SetLevel(cria::log::Level::kWarn);

  char tmpl[] = "/tmp/cria-rootfs-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto driver = cria::storage::drivers::MakeDriver("overlay", "").value();
  store::LayerStore layers(dir + "/storage", *driver);
  store::RootfsStore rootfs(dir + "/storage", layers, *driver);
  if (!layers.Init().ok() || !rootfs.Init().ok()) return 1;
  layers.Recover();
  rootfs.Recover();

  // A 10-layer image, each layer a few hundred small files.
  std::string top, last_blob, last_parent, last_diff;
  for (int i = 0; i < 10; ++i) {
    std::string src = dir + "/src" + std::to_string(i);
    std::string blob = dir + "/l" + std::to_string(i) + ".tgz";
    if (!Sh("mkdir -p " + src + "/d" + std::to_string(i) + " && cd " + src + "/d" +
            std::to_string(i) + " && for f in $(seq 1 300); do echo layer " + std::to_string(i) +
            " file $f > f$f; done && tar --numeric-owner -C " + src + " -czf " + blob + " .")) {
      std::fprintf(stderr, "cannot build layer %d\n", i);
      return 1;
    }
    auto applied = layers.Apply({top, blob, ""});
    if (!applied.ok()) {
      std::fprintf(stderr, "apply: %s\n", std::string(applied.status().message()).c_str());
      return 1;
    }
    last_parent = top;
    last_blob = blob;
    last_diff = applied->layer.diff_id;
    top = applied->layer.chain_id;
  }
  std::vector<std::string> lowers = layers.LowerDirs(top).value();
  std::string lowerdir;
  for (const auto& l : lowers) lowerdir += (lowerdir.empty() ? "" : ":") + l;

  // Earlier writes (other benchmarks, the layers just made) flushing in the background
  // slow every mount and mkdir: start from a clean page cache.
  sync();
  std::vector<double> cria_ms, raw_ms, present_ms, full_ms;
  for (int i = -1; i < runs; ++i) {  // i == -1: warm-up
    std::string id = "c" + std::to_string(i + 1);
    auto t0 = Clock::now();
    auto created = rootfs.Create(id, top, false);
    auto mounted = created.ok() ? rootfs.Mount(id) : created;
    double cria = Ms(Clock::now() - t0);
    if (!mounted.ok()) {
      std::fprintf(stderr, "rootfs: %s\n", std::string(mounted.status().message()).c_str());
      return 1;
    }
    (void)rootfs.Remove(id);

    std::string raw = dir + "/raw" + std::to_string(i + 1);
    t0 = Clock::now();
    bool ok =
        mkdir(raw.c_str(), 0700) == 0 && mkdir((raw + "/upper").c_str(), 0755) == 0 &&
        mkdir((raw + "/work").c_str(), 0755) == 0 && mkdir((raw + "/merged").c_str(), 0755) == 0 &&
        mount("overlay", (raw + "/merged").c_str(), "overlay", 0,
              ("lowerdir=" + lowerdir + ",upperdir=" + raw + "/upper,workdir=" + raw + "/work")
                  .c_str()) == 0;
    double base = Ms(Clock::now() - t0);
    if (!ok) {
      std::fprintf(stderr, "raw overlay mount failed\n");
      return 1;
    }
    umount2((raw + "/merged").c_str(), MNT_DETACH);
    fs::remove_all(raw);

    t0 = Clock::now();
    auto present = layers.Apply({last_parent, last_blob, last_diff});
    double again = Ms(Clock::now() - t0);
    if (!present.ok() || !present->already_present) return 1;
    if (i >= 0) {
      cria_ms.push_back(cria);
      raw_ms.push_back(base);
      present_ms.push_back(again);
    }
  }
  // The cost of applying that layer for real, for scale (a few runs, into a fresh store).
  for (int i = 0; i < 5; ++i) {
    store::LayerStore fresh(dir + "/fresh" + std::to_string(i), *driver);
    (void)fresh.Init();
    fresh.Recover();
    auto t0 = Clock::now();
    auto r = fresh.Apply({"", last_blob, ""});
    full_ms.push_back(Ms(Clock::now() - t0));
    if (!r.ok()) return 1;
  }
  fs::remove_all(dir);

  Stats c = Summarize(cria_ms), b = Summarize(raw_ms);
  Stats p = Summarize(present_ms), f = Summarize(full_ms);
  cria::bench::Row mount;
  mount.benchmark = "rootfs create+mount, 10 layers";
  mount.cria = c;
  mount.baseline = "a hand-made overlay mount of the same 10 layers";
  mount.baseline_p50 = b.median;
  mount.target = "p50<5ms";
  mount.met = cria::bench::Met(c.median < 5.0);
  cria::bench::Row again;
  again.benchmark = "apply an already-present layer";
  again.cria = p;
  again.baseline = "applying that layer for real";
  again.baseline_p50 = f.median;
  again.target = "O(1)";
  again.met = cria::bench::Met(p.median < 0.05 * f.median);
  bool recorded = cria::bench::ReportAll({mount, again});
  std::printf(
      "baselines: a hand-made overlay mount of the same 10 layers; applying that layer"
      " for real. runs: %d alternating after a warm-up\n",
      runs);
  return recorded ? 0 : 1;
}

// containerd 1.6 (Debian's package) as the peer baseline of the CRI benchmarks: started
// in a temp root of its own (root, state, socket, config, log), with its CRI plugin using
// runc, cgroupfs, restrict_oom_score_adj (hosts without CAP_SYS_RESOURCE), overlayfs,
// the given CNI config, and pulling over plain HTTP from the local test registry.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/image/registry/test_registry.h"

namespace cria::bench {

struct ContainerdPeerOptions {
  std::string root;           // an empty directory the peer owns
  std::string registry;       // "127.0.0.1:PORT", plain HTTP
  std::string sandbox_image;  // e.g. "127.0.0.1:PORT/bench/pause:1" (see PushPauseImage)
  std::string cni_conf_dir;   // a directory with one .conflist
  std::vector<std::string> cni_bin_dirs = {"/usr/lib/cni"};
  // The OCI runtime its runc shim runs (BinaryName): "runc" or "crun", found in PATH.
  std::string oci_runtime = "runc";
};

class ContainerdPeer {
 public:
  // Writes the config, starts /usr/bin/containerd, waits until its CRI answers Version
  // and Status reports RuntimeReady and NetworkReady (at most 30 s).
  static Result<std::unique_ptr<ContainerdPeer>> Start(const ContainerdPeerOptions& options);
  // Stops and removes every pod it has (CRI), SIGTERM to containerd (SIGKILL after 10 s),
  // ends the shims it started (by PID), unmounts whatever is mounted under root.
  ~ContainerdPeer();
  ContainerdPeer(const ContainerdPeer&) = delete;
  ContainerdPeer& operator=(const ContainerdPeer&) = delete;

  // What the destructor does, once, with its outcome (an addition to the agreed interface,
  // for drivers that must fail when cleanup did not work): OK when every pod was removed
  // through the CRI, containerd exited on SIGTERM, no shim had to be killed and nothing
  // stayed mounted under root; otherwise it says what went wrong, with the log tail.
  Status Stop();

  std::string endpoint() const;         // "unix://<root>/containerd.sock"
  pid_t pid() const;                    // the containerd process
  std::vector<pid_t> ShimPids() const;  // its containerd-shim-runc-v2 processes, now
  std::string LogTail(int lines = 20) const;

 private:
  explicit ContainerdPeer(ContainerdPeerOptions options);
  Status Launch();
  Status WaitReady();
  std::string socket() const { return options_.root + "/containerd.sock"; }
  // Pods whose CRI state dirs are in root (removed ones have none).
  std::vector<std::string> SandboxIds() const;

  ContainerdPeerOptions options_;
  pid_t pid_ = -1;
  bool stopped_ = false;
  // Directories outside root that containerd 1.6 makes whatever its config
  // (/run/containerd/s for shim sockets, /var/lib/cni/results) and that did not exist at
  // start: Stop removes them (when empty).
  std::vector<std::string> new_host_dirs_;
};

// Builds a one-layer image holding the project's static cria-pause as /pause (entrypoint
// ["/pause"]) with the test image builder, pushes it to `registry` as bench/pause:1 and
// returns its reference. `bin_dir` is bazel-bin; `dir` a scratch directory.
Result<std::string> PushPauseImage(image::registry::testing::TestRegistry& registry,
                                   const std::string& bin_dir, const std::string& dir);

}  // namespace cria::bench

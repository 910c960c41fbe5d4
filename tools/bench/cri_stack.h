// The set-up of the CRI-level benchmarks: in one temp root, a docker-registry on 127.0.0.1
// holding a busybox test image (and the pause image of the peer), the five cria daemons
// from bazel-bin with a CNI bridge network of their own (10.228.x), cria-pinns and
// cria-pause, and, when asked, containerd as the peer with a bridge of its own (10.229.x).
// Both endpoints have pulled the image before any clock starts. Pods of both get the cgroup
// parent /cria-bench-<pid>. Cleanup removes the pods through the CRI, stops the daemons and
// the peer, deletes the bridges, the cgroup parent and the temp root, and says what it
// found left behind.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/image/registry/test_registry.h"
#include "tools/bench/bench_stack.h"
#include "tools/bench/containerd_peer.h"
#include "tools/bench/cri_client.h"

namespace cria::bench {

struct CriStackOptions {
  std::string bin_dir = "bazel-bin";
  std::string runtime = "runc";    // cria's runtime handler for the benchmark pods
  bool peer = true;                // containerd as well
  bool keep = false;               // leave the temp root (logs) in place
  std::string log_level = "warn";  // of the cria daemons (debug: where the time goes)
};

class CriStack {
 public:
  // The five daemons, in start order.
  static const std::vector<std::string>& Daemons();

  explicit CriStack(CriStackOptions options);
  ~CriStack();  // Cleanup() when not done
  CriStack(const CriStack&) = delete;
  CriStack& operator=(const CriStack&) = delete;

  Status Start();
  // Removes every pod (CRI) of both endpoints, stops everything, removes what the run
  // made; returns what had to be forced or was left behind, one line each.
  std::vector<std::string> Cleanup();

  CriClient& cria() { return *cria_; }
  // The peer's client, nullptr when there is no peer.
  CriClient* containerd() { return containerd_.get(); }
  ContainerdPeer* peer() { return peer_.get(); }
  DaemonStack& daemons() { return *daemons_; }

  const std::string& image() const { return image_; }
  const std::string& root() const { return root_.path(); }
  const std::string& cgroup_parent() const { return cgroup_parent_; }
  const std::string& runtime() const { return options_.runtime; }
  // A pod of cria's (its runtime handler) or of the peer's (the default handler).
  PodSpec Pod(const std::string& name, bool peer = false, bool host_network = false) const;
  // The tails of cria's daemon logs (or containerd's), for a failure report.
  std::string LogTails(bool peer = false) const;
  // `s` with those tails after its message (OK stays OK).
  Status WithLogs(const Status& s, bool peer = false) const;

  // Removes every pod of one endpoint through the CRI, `threads` at a time.
  Status RemoveAllPods(CriClient& client, int threads = 4);

 private:
  Status StartCria();
  Status StartPeer();
  Status WriteConflist(const std::string& dir, const std::string& network,
                       const std::string& bridge, const std::string& subnet);

  CriStackOptions options_;
  TempRoot root_;
  std::string cgroup_parent_, cria_bridge_, peer_bridge_;
  std::optional<image::registry::testing::TestRegistry> registry_;
  std::string image_;
  std::unique_ptr<DaemonStack> daemons_;
  std::unique_ptr<CriClient> cria_;
  std::unique_ptr<ContainerdPeer> peer_;
  std::unique_ptr<CriClient> containerd_;
  bool cleaned_ = false;
};

}  // namespace cria::bench

#include "tools/bench/cri_stack.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "libs/testing/cgroup_tree.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tools/bench/parallel.h"
#include "tools/bench/proc_memory.h"
#include "tools/bench/pull_support.h"

namespace cria::bench {
namespace {

namespace it = image::testing;

bool LinkExists(const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists("/sys/class/net/" + name, ec);
}

// The command line of a process, NULs made spaces.
std::string CommandLine(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

std::string Absolute(const std::string& path) { return std::filesystem::absolute(path).string(); }

}  // namespace

const std::vector<std::string>& CriStack::Daemons() {
  static const std::vector<std::string> daemons = {"storage", "image", "network", "runtime",
                                                   "gateway"};
  return daemons;
}

CriStack::CriStack(CriStackOptions options)
    : options_(std::move(options)),
      root_("/tmp/cria-bench-cri-"),
      cgroup_parent_("/cria-bench-" + std::to_string(getpid())),
      cria_bridge_("cbc" + std::to_string(getpid() % 100000)),
      peer_bridge_("cbp" + std::to_string(getpid() % 100000)) {
  if (options_.keep) root_.Keep();
}

CriStack::~CriStack() {
  if (cleaned_) return;
  for (const std::string& problem : Cleanup()) {
    std::fprintf(stderr, "cleanup: %s\n", problem.c_str());
  }
}

PodSpec CriStack::Pod(const std::string& name, bool peer, bool host_network) const {
  PodSpec pod;
  pod.name = name;
  pod.host_network = host_network;
  pod.cgroup_parent = cgroup_parent_;
  pod.log_directory = root() + (peer ? "/pod-logs-peer/" : "/pod-logs/") + name;
  pod.runtime_handler = peer || options_.runtime == "runc" ? "" : options_.runtime;
  return pod;
}

std::string CriStack::LogTails(bool peer) const {
  if (peer) return peer_ ? "containerd log (tail):\n" + peer_->LogTail() : "";
  if (!daemons_) return "";
  std::string out;
  for (const char* d : {"runtime", "network", "storage", "image"}) {
    out += std::string("cria-") + d + " log (tail):\n" + daemons_->LogTail(d, 10);
  }
  return out;
}

Status CriStack::WithLogs(const Status& s, bool peer) const {
  if (s.ok()) return s;
  return Status(s.code(), MessageOf(s) + "\n" + LogTails(peer));
}

// Bridge with host-local IPAM and no loopback plugin, like the conflists of most clusters:
// cria-network brings `lo` up when it makes the netns, and containerd runs the loopback
// plugin on its own for every pod (go-cni's loopback network).
Status CriStack::WriteConflist(const std::string& dir, const std::string& network,
                               const std::string& bridge, const std::string& subnet) {
  CRIA_RETURN_IF_ERROR(FreshDir(dir), "");
  std::ofstream out(dir + "/10-" + network + ".conflist");
  out << R"({"cniVersion": "1.0.0", "name": ")" << network << R"(", "plugins": [
    {"type": "bridge", "bridge": ")"
      << bridge << R"(", "ipam": {"type": "host-local", "dataDir": ")" << dir
      << R"(/ipam", "ranges": [[{"subnet": ")" << subnet << R"("}]]}}]}
)";
  out.close();
  if (!out) return Status(StatusCode::kInternal, "cannot write the conflist in " + dir);
  return OkStatus();
}

Status CriStack::Start() {
  if (!root_.ok()) return Status(StatusCode::kInternal, "cannot make a temp root under /tmp");
  // The registry's temp dir goes under the root as well.
  const std::string tmp = root() + "/tmp";
  CRIA_RETURN_IF_ERROR(FreshDir(tmp), "");
  ::setenv("TMPDIR", tmp.c_str(), 1);
  registry_.emplace();
  if (!registry_->started()) {
    return Status(StatusCode::kInternal, "docker-registry did not start: " + registry_->log());
  }
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer()};
  spec.env = {"PATH=/bin"};
  spec.cmd = {"sh"};
  CRIA_ASSIGN_OR_RETURN(it::BuiltImage built, it::Build(spec), "build the busybox image");
  CRIA_RETURN_IF_ERROR(it::Push(*registry_, "bench/busybox", "1", built),
                       "push the busybox image to " + registry_->address());
  image_ = registry_->address() + "/bench/busybox:1";
  CRIA_RETURN_IF_ERROR(StartCria(), "start cria");
  if (options_.peer) CRIA_RETURN_IF_ERROR(StartPeer(), "start containerd");
  return OkStatus();
}

Status CriStack::StartCria() {
  const std::string cni = root() + "/cni-cria";
  CRIA_RETURN_IF_ERROR(WriteConflist(cni, "benchnet", cria_bridge_,
                                     "10.228." + std::to_string(getpid() % 250) + ".0/24"),
                       "");
  daemons_ = std::make_unique<DaemonStack>(root() + "/cria", options_.bin_dir);
  const std::string bin = Absolute(options_.bin_dir);
  std::string config = "common:\n  log_level: " + options_.log_level + "\n";
  config += "network:\n  cni_config_dirs: [\"" + cni + "\"]\n";
  config += "  cni_plugin_dirs: [\"/usr/lib/cni\"]\n";
  config += "runtime:\n  pinns_path: \"" + bin + "/tools/cria-pinns/cria-pinns\"\n";
  config += "  pause_path: \"" + bin + "/tools/cria-pause/cria-pause\"\n";
  CRIA_RETURN_IF_ERROR(daemons_->WriteConfig(config), "");
  for (const std::string& d : Daemons()) {
    Status s = daemons_->Start(d);
    if (!s.ok()) return Annotate(s, "start cria-" + d);
  }
  cria_ = std::make_unique<CriClient>(FreshChannel(daemons_->Socket("gateway")));
  CRIA_RETURN_IF_ERROR(cria_->Connect(std::chrono::seconds(10)), "cria-gateway");
  Status s = cria_->PullImage(image_);
  if (!s.ok()) return WithLogs(s);
  return OkStatus();
}

Status CriStack::StartPeer() {
  CRIA_ASSIGN_OR_RETURN(std::string pause,
                        PushPauseImage(*registry_, options_.bin_dir, root() + "/pause-image"), "");
  const std::string cni = root() + "/cni-peer";
  CRIA_RETURN_IF_ERROR(WriteConflist(cni, "benchpeer", peer_bridge_,
                                     "10.229." + std::to_string(getpid() % 250) + ".0/24"),
                       "");
  ContainerdPeerOptions options;
  options.root = root() + "/containerd";
  options.registry = registry_->address();
  options.sandbox_image = pause;
  options.cni_conf_dir = cni;
  options.oci_runtime = options_.runtime;
  CRIA_RETURN_IF_ERROR(FreshDir(options.root), "");
  CRIA_ASSIGN_OR_RETURN(peer_, ContainerdPeer::Start(options), "");
  const std::string prefix = "unix://";
  containerd_ = std::make_unique<CriClient>(FreshChannel(peer_->endpoint().substr(prefix.size())));
  CRIA_RETURN_IF_ERROR(containerd_->Connect(std::chrono::seconds(10)), "containerd");
  for (const std::string& image : {pause, image_}) {
    Status s = containerd_->PullImage(image);
    if (!s.ok()) return WithLogs(s, true);
  }
  return OkStatus();
}

Status CriStack::RemoveAllPods(CriClient& client, int threads) {
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> ids, client.ListPodIds(), "");
  return ForEachParallel(
      static_cast<int>(ids.size()), threads, [&](int i) { return client.StopAndRemovePod(ids[i]); },
      true);
}

std::vector<std::string> CriStack::Cleanup() {
  cleaned_ = true;
  std::vector<std::string> problems;
  if (cria_) {
    Status s = RemoveAllPods(*cria_);
    if (!s.ok()) problems.push_back("remove cria's pods: " + MessageOf(s));
    cria_.reset();
  }
  if (daemons_) daemons_->Stop();
  if (!root().empty()) {
    for (pid_t pid : FindProcesses("conmon", root() + "/")) {
      problems.push_back("conmon " + std::to_string(pid) + " left running: killed");
      ::kill(pid, SIGKILL);
    }
  }
  containerd_.reset();
  if (peer_) {
    Status s = peer_->Stop();
    if (!s.ok()) problems.push_back("stop containerd: " + MessageOf(s));
    for (pid_t shim : peer_->ShimPids()) {
      problems.push_back("containerd shim " + std::to_string(shim) + " left running");
    }
    peer_.reset();
  }
  registry_.reset();
  for (int pid : testing::ProcsInCgroup(cgroup_parent_)) {
    problems.push_back("process " + std::to_string(pid) + " (" + CommandLine(pid) + ") left in " +
                       cgroup_parent_ + ": killed");
    ::kill(pid, SIGKILL);
  }
  for (const std::string& bridge : {cria_bridge_, peer_bridge_}) {
    if (!LinkExists(bridge)) continue;
    Status s = RunTool({"/usr/sbin/ip", "link", "del", bridge});
    if (!s.ok()) problems.push_back("delete bridge " + bridge + ": " + MessageOf(s));
  }
  // The processes killed above need a moment to leave their cgroups.
  std::vector<std::string> left;
  for (int i = 0; i < 50; ++i) {
    left = testing::RemoveCgroup(cgroup_parent_);
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const std::string& dir : left) problems.push_back("cgroup " + dir + " still there");
  if (root_.ok()) {
    for (const std::string& m : UnmountUnder(root())) problems.push_back("still mounted: " + m);
  }
  return problems;
}

}  // namespace cria::bench

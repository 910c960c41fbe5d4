// containerd_smoke: proves the containerd peer baseline (containerd_peer.h) end to end on
// this machine. In a temp root of its own it starts a docker-registry on 127.0.0.1, pushes
// the pause image and a busybox test image, starts the peer with a CNI bridge of its own,
// and through the CRI pulls, runs a pod with `sleep 1000` in it, execs `echo hi`, lists,
// stops and removes everything, printing each call's time and containerd's and the shim's
// memory while the container runs. Then it cleans up (pods, containerd, shims, mounts, the
// bridge, the cgroup parent, the temp root) and exits 0 only when all of that worked and
// nothing was left behind.
//
// Usage: containerd_smoke [--bin-dir DIR] [--keep]
// (tools/bench/containerd-smoke calls this from the repository root; run as root).
// --keep leaves the temp root (containerd's config, log and state) in place.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/testing/cgroup_tree.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tools/bench/bench_stack.h"
#include "tools/bench/containerd_peer.h"
#include "tools/bench/proc_memory.h"
#include "tools/bench/pull_support.h"
#include "tools/bench/stats.h"
#include "tools/bench/unary_call.h"

namespace {

namespace bench = cria::bench;
namespace cri = ::runtime::v1;
namespace fs = std::filesystem;
namespace it = cria::image::testing;
using cria::Status;
using cria::StatusCode;
using std::chrono::seconds;

// "RssAnon 12.3 MiB, Pss 45.6 MiB" of a process.
std::string Memory(pid_t pid) {
  bench::Rss rss;
  if (!bench::ReadRss(pid, &rss)) return "unreadable (pid " + std::to_string(pid) + ")";
  return "RssAnon " + bench::MiB(rss.rss_anon_kib) + ", Pss " + bench::MiB(bench::ReadPssKib(pid));
}

bool LinkExists(const std::string& name) { return fs::exists("/sys/class/net/" + name); }

class Smoke {
 public:
  Smoke(std::string bin_dir, bool keep)
      : bin_dir_(std::move(bin_dir)),
        root_("/tmp/cria-bench-peer-"),
        bridge_("cbp" + std::to_string(getpid() % 100000)),
        cgroup_parent_("/cria-bench-peer-" + std::to_string(getpid())) {
    if (keep) root_.Keep();
  }

  // Everything up to RemovePodSandbox; the first failure ends it, with containerd's log
  // tail once containerd runs.
  Status Run();
  // Stops the peer and removes what the run made; the problems it met, one per line.
  std::vector<std::string> Cleanup();
  const std::string& root() const { return root_.path(); }

 private:
  // Runs `fn`, prints its time; on failure the error names the step, with containerd's
  // log tail when the peer runs.
  Status Step(const std::string& name, const std::function<Status()>& fn);
  Status Setup();
  Status RunSteps();
  std::string LogTail() const { return peer_ ? peer_->LogTail() : std::string(); }

  std::string bin_dir_;
  bench::TempRoot root_;
  std::string bridge_, cgroup_parent_;
  std::optional<cria::image::registry::testing::TestRegistry> registry_;
  std::string pause_ref_, busybox_ref_;
  std::unique_ptr<bench::ContainerdPeer> peer_;
  pid_t containerd_pid_ = -1;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  std::unique_ptr<cri::ImageService::Stub> images_;
};

Status Smoke::Step(const std::string& name, const std::function<Status()>& fn) {
  if (bench::Interrupted()) return Status(StatusCode::kCancelled, "interrupted");
  auto t0 = bench::Clock::now();
  Status s = fn();
  double ms = bench::Ms(bench::Clock::now() - t0);
  if (!s.ok()) {
    std::string message = name + ": " + cria::MessageOf(s);
    if (peer_) message += "\ncontainerd log (tail):\n" + LogTail();
    return Status(s.code(), message);
  }
  std::printf("  %-28s %9.1f ms\n", name.c_str(), ms);
  std::fflush(stdout);
  return cria::OkStatus();
}

Status Smoke::Setup() {
  if (!root_.ok()) return Status(StatusCode::kInternal, "cannot make a temp root under /tmp");
  const std::string root = root_.path();
  std::printf("temp root %s, bridge %s, cgroup parent %s\n", root.c_str(), bridge_.c_str(),
              cgroup_parent_.c_str());
  registry_.emplace();
  if (!registry_->started()) {
    return Status(StatusCode::kInternal, "docker-registry did not start: " + registry_->log());
  }
  CRIA_ASSIGN_OR_RETURN(pause_ref_,
                        bench::PushPauseImage(*registry_, bin_dir_, root + "/pause-image"), "");
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer()};
  spec.env = {"PATH=/bin"};
  spec.cmd = {"sh"};
  cria::Result<it::BuiltImage> built = it::Build(spec);
  if (!built.ok()) return cria::Annotate(built.status(), "build the busybox image");
  CRIA_RETURN_IF_ERROR(it::Push(*registry_, "bench/busybox", "1", *built),
                       "push the busybox image to " + registry_->address());
  busybox_ref_ = registry_->address() + "/bench/busybox:1";

  // A bridge network of its own: 10.229.x/24 is used by no test (tests take 10.227, 10.228).
  const std::string cni_dir = root + "/cni";
  CRIA_RETURN_IF_ERROR(bench::FreshDir(cni_dir), "");
  const std::string subnet = "10.229." + std::to_string(getpid() % 250) + ".0/24";
  std::ofstream(cni_dir + "/10-peer.conflist")
      << R"({"cniVersion": "1.0.0", "name": "peernet", "plugins": [
           {"type": "bridge", "bridge": ")"
      << bridge_ << R"(", "ipam": {"type": "host-local", "dataDir": ")" << root
      << R"(/ipam", "ranges": [[{"subnet": ")" << subnet << R"("}]]}},
           {"type": "loopback"}]})";
  CRIA_RETURN_IF_ERROR(bench::FreshDir(root + "/containerd"), "");
  return cria::OkStatus();
}

Status Smoke::Run() {
  Status s = RunSteps();
  const std::string message = cria::MessageOf(s);
  if (s.ok() || !peer_ || message.find("containerd log (tail)") != std::string::npos) return s;
  return Status(s.code(), message + "\ncontainerd log (tail):\n" + LogTail());
}

Status Smoke::RunSteps() {
  CRIA_RETURN_IF_ERROR(Setup(), "set up");
  const std::string root = root_.path();
  bench::ContainerdPeerOptions options;
  options.root = root + "/containerd";
  options.registry = registry_->address();
  options.sandbox_image = pause_ref_;
  options.cni_conf_dir = root + "/cni";
  CRIA_RETURN_IF_ERROR(Step("containerd start (CRI ready)",
                            [&]() -> Status {
                              CRIA_ASSIGN_OR_RETURN(peer_, bench::ContainerdPeer::Start(options),
                                                    "");
                              containerd_pid_ = peer_->pid();
                              return cria::OkStatus();
                            }),
                       "");
  std::printf("  containerd %d idle: %s\n", containerd_pid_, Memory(containerd_pid_).c_str());
  auto channel = bench::FreshChannel(peer_->endpoint().substr(std::string("unix://").size()));
  runtime_ = cri::RuntimeService::NewStub(channel);
  images_ = cri::ImageService::NewStub(channel);

  auto pull = [&](const std::string& image) {
    cri::PullImageRequest req;
    req.mutable_image()->set_image(image);
    cri::PullImageResponse resp;
    return bench::UnaryCall(*images_, &cri::ImageService::Stub::PullImage, req, &resp,
                            "PullImage " + image, seconds(120));
  };
  CRIA_RETURN_IF_ERROR(Step("PullImage pause", [&] { return pull(pause_ref_); }), "");
  CRIA_RETURN_IF_ERROR(Step("PullImage busybox", [&] { return pull(busybox_ref_); }), "");

  cri::RunPodSandboxRequest run;
  cri::PodSandboxConfig& pod = *run.mutable_config();
  pod.mutable_metadata()->set_name("peer-smoke");
  pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_metadata()->set_uid("peer-smoke-uid");
  pod.set_hostname("peer-smoke");
  pod.set_log_directory(root + "/pod-logs/peer-smoke");
  pod.mutable_linux()->set_cgroup_parent(cgroup_parent_);
  // A PID namespace per container, as the kubelet asks without shareProcessNamespace.
  pod.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
      cri::CONTAINER);
  cri::RunPodSandboxResponse ran;
  CRIA_RETURN_IF_ERROR(Step("RunPodSandbox",
                            [&] {
                              return bench::UnaryCall(*runtime_,
                                                      &cri::RuntimeService::Stub::RunPodSandbox,
                                                      run, &ran, "RunPodSandbox peer-smoke");
                            }),
                       "");
  const std::string pod_id = ran.pod_sandbox_id();

  cri::CreateContainerRequest create;
  create.set_pod_sandbox_id(pod_id);
  cri::ContainerConfig* c = create.mutable_config();
  c->mutable_metadata()->set_name("sleeper");
  c->mutable_image()->set_image(busybox_ref_);
  c->add_command("sleep");
  c->add_command("1000");
  c->set_log_path("sleeper/0.log");
  *create.mutable_sandbox_config() = pod;
  cri::CreateContainerResponse created;
  CRIA_RETURN_IF_ERROR(Step("CreateContainer",
                            [&] {
                              return bench::UnaryCall(
                                  *runtime_, &cri::RuntimeService::Stub::CreateContainer, create,
                                  &created, "CreateContainer sleeper in pod " + pod_id);
                            }),
                       "");
  const std::string ctr_id = created.container_id();

  cri::StartContainerRequest start;
  start.set_container_id(ctr_id);
  cri::StartContainerResponse started;
  CRIA_RETURN_IF_ERROR(Step("StartContainer",
                            [&] {
                              return bench::UnaryCall(*runtime_,
                                                      &cri::RuntimeService::Stub::StartContainer,
                                                      start, &started, "StartContainer " + ctr_id);
                            }),
                       "");

  cri::ExecSyncRequest exec;
  exec.set_container_id(ctr_id);
  exec.add_cmd("echo");
  exec.add_cmd("hi");
  exec.set_timeout(10);
  cri::ExecSyncResponse executed;
  CRIA_RETURN_IF_ERROR(Step("ExecSync echo hi",
                            [&] {
                              return bench::UnaryCall(*runtime_,
                                                      &cri::RuntimeService::Stub::ExecSync, exec,
                                                      &executed, "ExecSync echo hi in " + ctr_id);
                            }),
                       "");
  if (executed.exit_code() != 0 || executed.stdout() != "hi\n") {
    return Status(StatusCode::kInternal, "ExecSync echo hi in " + ctr_id + ": exit code " +
                                             std::to_string(executed.exit_code()) + ", stdout \"" +
                                             executed.stdout() + "\", stderr \"" +
                                             executed.stderr() + "\"");
  }

  cri::ListContainersRequest list;
  cri::ListContainersResponse listed;
  CRIA_RETURN_IF_ERROR(Step("ListContainers",
                            [&] {
                              return bench::UnaryCall(*runtime_,
                                                      &cri::RuntimeService::Stub::ListContainers,
                                                      list, &listed, "ListContainers");
                            }),
                       "");
  bool running = false;
  for (const cri::Container& container : listed.containers()) {
    running |= container.id() == ctr_id && container.state() == cri::CONTAINER_RUNNING;
  }
  if (!running) {
    return Status(StatusCode::kInternal,
                  "ListContainers: " + std::to_string(listed.containers_size()) + " containers, " +
                      ctr_id + " not running among them");
  }

  std::vector<pid_t> shims = peer_->ShimPids();
  std::printf("  containerd %d, container running: %s\n", containerd_pid_,
              Memory(containerd_pid_).c_str());
  for (pid_t shim : shims) {
    std::printf("  containerd-shim-runc-v2 %d: %s\n", shim, Memory(shim).c_str());
  }
  if (shims.size() != 1) {
    return Status(StatusCode::kInternal,
                  "expected one shim for the pod, found " + std::to_string(shims.size()));
  }

  // Timeout 0: SIGKILL at once (sleep, PID 1 of its namespace, ignores SIGTERM).
  cri::StopContainerRequest stop;
  stop.set_container_id(ctr_id);
  stop.set_timeout(0);
  cri::StopContainerResponse stopped;
  CRIA_RETURN_IF_ERROR(Step("StopContainer (timeout 0)",
                            [&] {
                              return bench::UnaryCall(*runtime_,
                                                      &cri::RuntimeService::Stub::StopContainer,
                                                      stop, &stopped, "StopContainer " + ctr_id);
                            }),
                       "");
  cri::RemoveContainerRequest remove;
  remove.set_container_id(ctr_id);
  cri::RemoveContainerResponse removed;
  CRIA_RETURN_IF_ERROR(Step("RemoveContainer",
                            [&] {
                              return bench::UnaryCall(
                                  *runtime_, &cri::RuntimeService::Stub::RemoveContainer, remove,
                                  &removed, "RemoveContainer " + ctr_id);
                            }),
                       "");
  cri::StopPodSandboxRequest stop_pod;
  stop_pod.set_pod_sandbox_id(pod_id);
  cri::StopPodSandboxResponse pod_stopped;
  CRIA_RETURN_IF_ERROR(Step("StopPodSandbox",
                            [&] {
                              return bench::UnaryCall(
                                  *runtime_, &cri::RuntimeService::Stub::StopPodSandbox, stop_pod,
                                  &pod_stopped, "StopPodSandbox " + pod_id);
                            }),
                       "");
  cri::RemovePodSandboxRequest remove_pod;
  remove_pod.set_pod_sandbox_id(pod_id);
  cri::RemovePodSandboxResponse pod_removed;
  CRIA_RETURN_IF_ERROR(Step("RemovePodSandbox",
                            [&] {
                              return bench::UnaryCall(
                                  *runtime_, &cri::RuntimeService::Stub::RemovePodSandbox,
                                  remove_pod, &pod_removed, "RemovePodSandbox " + pod_id);
                            }),
                       "");
  return cria::OkStatus();
}

std::vector<std::string> Smoke::Cleanup() {
  std::vector<std::string> problems;
  std::error_code ec;
  runtime_.reset();
  images_.reset();
  if (peer_) {
    Status s = peer_->Stop();
    if (!s.ok()) problems.push_back(cria::MessageOf(s));
    for (pid_t shim : peer_->ShimPids()) {
      problems.push_back("shim " + std::to_string(shim) + " still running");
    }
    peer_.reset();
  }
  if (containerd_pid_ > 0 && ::kill(containerd_pid_, 0) == 0) {
    problems.push_back("containerd " + std::to_string(containerd_pid_) + " still running");
  }
  registry_.reset();
  for (int pid : cria::testing::ProcsInCgroup(cgroup_parent_)) {
    problems.push_back("process " + std::to_string(pid) + " left in " + cgroup_parent_ +
                       ": killed");
    ::kill(pid, SIGKILL);
  }
  if (LinkExists(bridge_)) {
    Status s = bench::RunTool({"/usr/sbin/ip", "link", "del", bridge_});
    if (!s.ok()) problems.push_back("delete bridge " + bridge_ + ": " + cria::MessageOf(s));
  }
  if (LinkExists(bridge_)) problems.push_back("bridge " + bridge_ + " still there");
  for (const std::string& left : cria::testing::RemoveCgroup(cgroup_parent_)) {
    problems.push_back("cgroup " + left + " still there");
  }
  // libcni's cache outside the root (containerd 1.6 keeps its default): CNI DEL removes a
  // pod's entries, named after the network (the peer's Stop removes those of pods it could
  // not tear down).
  for (const auto& entry : fs::directory_iterator("/var/lib/cni/results", ec)) {
    if (entry.path().filename().string().rfind("peernet-", 0) == 0) {
      problems.push_back("CNI result left: " + entry.path().string());
    }
  }
  if (root_.ok()) {
    for (const std::string& m : bench::UnmountUnder(root_.path())) {
      problems.push_back("still mounted: " + m);
    }
  }
  return problems;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"containerd peer baseline: one pod and container through its CRI, then cleanup"};
  std::string bin_dir = "bazel-bin";
  bool keep = false;
  app.add_option("--bin-dir", bin_dir, "where tools/cria-pause/cria-pause is (bazel-bin)");
  app.add_flag("--keep", keep, "leave the temp root (config, log, state) in place");
  CLI11_PARSE(app, argc, argv);
  bench::InstallInterruptHandler();

  std::string root;
  std::vector<std::string> problems;
  Status run;
  {
    Smoke smoke(bin_dir, keep);
    root = smoke.root();
    run = smoke.Run();
    problems = smoke.Cleanup();
  }  // the temp root goes here
  std::error_code ec;
  if (!keep && !root.empty() && fs::exists(root, ec)) problems.push_back(root + " still there");
  if (!bench::MountsUnder("/tmp").empty() && !root.empty() && !bench::MountsUnder(root).empty()) {
    problems.push_back("mounts under " + root + " after its removal");
  }
  if (!run.ok()) std::fprintf(stderr, "containerd_smoke: %s\n", cria::MessageOf(run).c_str());
  for (const std::string& p : problems)
    std::fprintf(stderr, "containerd_smoke: cleanup: %s\n", p.c_str());
  if (!run.ok() || !problems.empty()) return 1;
  std::printf("containerd peer: all steps passed, nothing left behind\n");
  return 0;
}

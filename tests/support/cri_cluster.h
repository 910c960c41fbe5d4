// Test support for containers: a docker-registry on 127.0.0.1 holding a busybox test image,
// every cria daemon in a temp root with a CNI bridge network and cria-pinns, and the CRI
// calls container tests make. Pods get a cgroup parent of their own (/cria-test-<pid>),
// so what a test leaves behind (mounts, conmon and container processes, cgroups) can be
// found and cleaned up.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/layer_spec.h"
#include "tests/support/stack.h"

namespace cria::testing {

struct CriClusterOptions {
  // Pods get addresses in <subnet_prefix>.<pid % 250>.0/24 on bridge <bridge_prefix><pid>;
  // tests that may run at the same time use different prefixes.
  std::string subnet_prefix = "10.227";
  std::string bridge_prefix = "crc";
  // Layers added above the busybox layer of the test image (e.g. an /etc/group).
  std::vector<image::testing::LayerSpec> extra_layers;
  // Keys of the runtime section ("  key: value\n" lines) besides pinns_path, pause_path
  // and default_runtime.
  std::string runtime_yaml;
};

// The OCI runtime the clusters of this test binary use by default ("runc"); the crun
// variants of the container tests set "crun" in their main() (tests/support/crun_main.cc).
const std::string& TestOciRuntime();
void SetTestOciRuntime(const std::string& runtime);

class CriCluster {
 public:
  using PodEdit = std::function<void(::runtime::v1::PodSandboxConfig&)>;
  using ContainerEdit = std::function<void(::runtime::v1::ContainerConfig&)>;
  using ImageEdit = std::function<void(image::testing::ImageSpec&)>;

  // Starts the registry and the daemons, pushes and pulls the image. The image is
  // busybox (applet links for the tools tests use: sh, id, touch, chown, mknod, ip, mount,
  // unshare, head, yes, grep ...), users root, app (1000:1000) and nobody, env
  // PATH=/bin and FROM_IMAGE=yes, cmd sh.
  explicit CriCluster(CriClusterOptions options = {});
  // Removes every pod it ran, stops the daemons, deletes the bridge and the cgroup parent.
  ~CriCluster();

  Stack& stack() { return stack_; }
  image::registry::testing::TestRegistry& registry() { return registry_; }
  ::runtime::v1::RuntimeService::Stub& runtime() { return *runtime_; }
  ::runtime::v1::ImageService::Stub& images() { return *images_; }
  // The test image: its ID (PullImage's image_ref, which the kubelet creates containers
  // by), its tag (<registry>/cria/busybox:1) and its digested reference
  // (<registry>/cria/busybox@<manifest digest>, from the image as built).
  const std::string& image_ref() const { return image_ref_; }
  const std::string& image_tag() const { return image_tag_; }
  const std::string& image_digested() const { return image_digested_; }
  // The cgroup parent of every pod ("/cria-test-<pid>") and its logs' root directory.
  const std::string& cgroup_parent() const { return cgroup_parent_; }
  std::string LogDir(const std::string& pod_name) const;
  std::string BridgeName() const;

  // After a restart of a daemon: fresh stubs.
  void Connect();

  // Another image: the test image's spec with `edit` applied (a StopSignal, say), pushed
  // as cria/<repo>:1 and pulled (REQUIREd). Returns its image ref; `digested`, when given,
  // gets <registry>/cria/<repo>@<manifest digest>.
  std::string PushImage(const std::string& repo, const ImageEdit& edit,
                        std::string* digested = nullptr);

  // RunPodSandbox of pod `name` (namespace default, uid <name>-uid) with its log directory,
  // the cluster's cgroup parent and a PID namespace per container; `edit` may change the
  // config before it is sent. REQUIREs success and returns the pod's id.
  std::string RunPod(const std::string& name, const PodEdit& edit = {});
  grpc::Status RunPod(const std::string& name, const PodEdit& edit, std::string* id,
                      const std::string& runtime_handler = "");
  grpc::Status RemovePod(const std::string& pod_id);
  const ::runtime::v1::PodSandboxConfig& PodConfig(const std::string& pod_id) const;

  // CreateContainer of `name` in the pod with the image, `command`, the log path
  // <name>/0.log and FROM_CRI=yes in its environment; `edit` may change the config.
  grpc::Status Create(const std::string& pod_id, const std::string& name,
                      const std::vector<std::string>& command, std::string* id,
                      const ContainerEdit& edit = {});
  grpc::Status Start(const std::string& id);
  // Create then Start; REQUIREs both and returns the id.
  std::string Run(const std::string& pod_id, const std::string& name,
                  const std::vector<std::string>& command, const ContainerEdit& edit = {});
  grpc::Status Stop(const std::string& id, int64_t timeout);
  grpc::Status Remove(const std::string& id);
  // ContainerStatus (REQUIREd to succeed); with `info`, verbose, and the info JSON.
  ::runtime::v1::ContainerStatus Status(const std::string& id, std::string* info = nullptr);
  // Polls the status until EXITED (at most `limit`).
  ::runtime::v1::ContainerStatus WaitExited(
      const std::string& id, std::chrono::milliseconds limit = std::chrono::seconds(20));
  ::runtime::v1::ExecSyncResponse Exec(const std::string& id, const std::vector<std::string>& cmd,
                                       int64_t timeout, grpc::Status* status);
  grpc::Status Update(const std::string& id,
                      const ::runtime::v1::LinuxContainerResources& resources);
  grpc::Status ReopenLog(const std::string& id);
  std::vector<::runtime::v1::Container> List();
  std::vector<::runtime::v1::Container> List(const ::runtime::v1::ContainerFilter& filter);

  // The host directory of a container's cgroup in a v1 controller ("memory", ...).
  std::string CgroupDir(const std::string& controller, const std::string& container_id) const;
  // The command lines (NULs made spaces) of the processes in a container's cgroup, in
  // any hierarchy: its own processes and those exec'd into it.
  std::vector<std::string> ContainerProcesses(const std::string& container_id) const;

  // What the cluster's pods left behind, one line each: mounts under the temp root,
  // conmon processes of this stack, processes in the cgroup parent, cgroups under it,
  // per-pod and per-container entries in the run dir. Meant after every pod was removed.
  std::vector<std::string> Leaks() const;
  // The end of a test: removes every pod it ran, checks that nothing leaked and that the
  // cgroup parent can be removed (and removes it). Uses CHECK only, so a fixture's
  // destructor may call it.
  void CheckClean();

 private:
  // The test image: busybox, the extra applet links, the options' layers, env and cmd.
  image::testing::ImageSpec TestImageSpec() const;

  CriClusterOptions options_;
  image::registry::testing::TestRegistry registry_;
  Stack stack_;
  std::unique_ptr<::runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<::runtime::v1::ImageService::Stub> images_;
  std::string image_ref_, image_tag_, image_digested_;
  std::string cgroup_parent_;
  std::map<std::string, ::runtime::v1::PodSandboxConfig> pods_;  // id → config
};

// What the pods of `stack` in cgroup parent `cgroup_parent` left behind, one line each:
// mounts under the stack's root, conmon processes of the stack, processes in the cgroup
// parent, cgroups under it, per-pod and per-container entries in the stack's run dir
// (what CriCluster::Leaks reports, for tests that drive a Stack without a CriCluster, such
// as criactl's).
std::vector<std::string> StackLeaks(const Stack& stack, const std::string& cgroup_parent);
// FAIL_CHECKs every line of StackLeaks, then removes the cgroup parent, CHECKing that it
// could be (nothing left in it). CHECK only: a fixture's destructor may call it.
void CheckNoLeaks(const Stack& stack, const std::string& cgroup_parent);

// The whole content of a file ("" when it cannot be read).
std::string FileText(const std::string& path);
// `s` without the line breaks and blanks it ends with (a one-line file's value).
std::string Trim(std::string s);

// Polls until `done` holds (every 20 ms, at most `limit`); returns whether it did.
bool Eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(10));

// The mount points listed in /proc/self/mountinfo, unescaped.
std::vector<std::string> MountPoints();

}  // namespace cria::testing

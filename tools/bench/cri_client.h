// The CRI calls of the CRI-level benchmarks, on any CRI endpoint: cria's gateway or the
// peer (containerd), so that both run the same pod and container specs through the same
// client code. Every call has a deadline; failures are Status values naming the call.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::bench {

// What a benchmark pod looks like (the same for every endpoint).
struct PodSpec {
  std::string name;             // pod name, unique among the endpoint's pods
  std::string cgroup_parent;    // "/cria-bench-<pid>"
  std::string log_directory;    // where the kubelet would keep the pod's logs
  std::string runtime_handler;  // "" (the default: runc) or "crun"
  bool host_network = false;    // hostNetwork: the node's network namespace, no CNI
};

// The pod config the kubelet would send: namespace "bench", uid <name>-uid, attempt 0,
// hostname <name>, a PID namespace per container (the kubelet's default), the cgroup
// parent and log directory; the node's network namespace when host_network.
::runtime::v1::PodSandboxConfig PodConfig(const PodSpec& pod);

// A container "c" running `command` from `image`, logging to c/0.log.
::runtime::v1::ContainerConfig ContainerConfig(const std::string& name, const std::string& image,
                                               const std::vector<std::string>& command);

// A pod with one container, as StartPodWithContainer made it.
struct StartedPod {
  std::string pod_id, container_id;
};

// The time each step of a pod + container start took (ms).
struct StartTimes {
  double run_pod = 0, create = 0, start = 0;
  double total() const { return run_pod + create + start; }
};

class CriClient {
 public:
  explicit CriClient(std::shared_ptr<grpc::Channel> channel);

  // Waits (at most `limit`) until the channel is connected, so that a first timed call
  // does not pay for the connection.
  Status Connect(std::chrono::milliseconds limit);

  Status PullImage(const std::string& image);
  Result<std::string> RunPod(const PodSpec& pod);
  Result<std::string> CreateContainer(const std::string& pod_id, const PodSpec& pod,
                                      const ::runtime::v1::ContainerConfig& config);
  Status StartContainer(const std::string& id);
  Status StopPod(const std::string& pod_id);
  Status RemovePod(const std::string& pod_id);
  // ExecSync with a 30 s timeout; an exit code other than 0 is an error.
  Status ExecSync(const std::string& container_id, const std::vector<std::string>& cmd);
  // ListContainers (no filter): how many there are.
  Result<int> ListContainers();
  // ListContainerStats (no filter): how many there are. UNIMPLEMENTED passes through.
  Result<int> ListContainerStats();
  // The "info" of a verbose ContainerStatus (JSON; cria's carries the OCI spec).
  Result<std::string> ContainerInfo(const std::string& id);
  // Every pod the endpoint has.
  Result<std::vector<std::string>> ListPodIds();

  // RunPodSandbox, CreateContainer and StartContainer of one pod with one container
  // running `command`; their ids, and each step's time when `times` is given. On failure
  // the pod is stopped and removed.
  Result<StartedPod> StartPodWithContainer(const PodSpec& pod, const std::string& image,
                                           const std::vector<std::string>& command,
                                           StartTimes* times = nullptr);
  // StopPodSandbox then RemovePodSandbox.
  Status StopAndRemovePod(const std::string& pod_id);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<::runtime::v1::ImageService::Stub> images_;
};

}  // namespace cria::bench

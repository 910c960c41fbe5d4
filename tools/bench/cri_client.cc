#include "tools/bench/cri_client.h"

#include "tools/bench/stats.h"
#include "tools/bench/unary_call.h"

namespace cria::bench {
namespace {

namespace cri = ::runtime::v1;
using std::chrono::seconds;

}  // namespace

cri::PodSandboxConfig PodConfig(const PodSpec& pod) {
  cri::PodSandboxConfig config;
  config.mutable_metadata()->set_name(pod.name);
  config.mutable_metadata()->set_namespace_("bench");
  config.mutable_metadata()->set_uid(pod.name + "-uid");
  config.mutable_metadata()->set_attempt(0);
  config.set_hostname(pod.name);
  config.set_log_directory(pod.log_directory);
  auto* lx = config.mutable_linux();
  lx->set_cgroup_parent(pod.cgroup_parent);
  lx->mutable_security_context()->mutable_namespace_options()->set_pid(cri::CONTAINER);
  if (pod.host_network) {
    lx->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
  }
  return config;
}

cri::ContainerConfig ContainerConfig(const std::string& name, const std::string& image,
                                     const std::vector<std::string>& command) {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_image()->set_image(image);
  for (const std::string& arg : command) config.add_command(arg);
  config.set_log_path(name + "/0.log");
  return config;
}

CriClient::CriClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)),
      runtime_(cri::RuntimeService::NewStub(channel_)),
      images_(cri::ImageService::NewStub(channel_)) {}

Status CriClient::Connect(std::chrono::milliseconds limit) {
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + limit)) {
    return Status(StatusCode::kUnavailable, "cannot connect to the CRI endpoint");
  }
  return OkStatus();
}

Status CriClient::PullImage(const std::string& image) {
  cri::PullImageRequest req;
  req.mutable_image()->set_image(image);
  cri::PullImageResponse resp;
  return UnaryCall(*images_, &cri::ImageService::Stub::PullImage, req, &resp, "PullImage " + image,
                   seconds(300));
}

Result<std::string> CriClient::RunPod(const PodSpec& pod) {
  cri::RunPodSandboxRequest req;
  *req.mutable_config() = PodConfig(pod);
  req.set_runtime_handler(pod.runtime_handler);
  cri::RunPodSandboxResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::RunPodSandbox, req, &resp,
                                 "RunPodSandbox " + pod.name),
                       "");
  return resp.pod_sandbox_id();
}

Result<std::string> CriClient::CreateContainer(const std::string& pod_id, const PodSpec& pod,
                                               const cri::ContainerConfig& config) {
  cri::CreateContainerRequest req;
  req.set_pod_sandbox_id(pod_id);
  *req.mutable_config() = config;
  *req.mutable_sandbox_config() = PodConfig(pod);
  cri::CreateContainerResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::CreateContainer, req, &resp,
                                 "CreateContainer in pod " + pod.name),
                       "");
  return resp.container_id();
}

Status CriClient::StartContainer(const std::string& id) {
  cri::StartContainerRequest req;
  req.set_container_id(id);
  cri::StartContainerResponse resp;
  return UnaryCall(*runtime_, &cri::RuntimeService::Stub::StartContainer, req, &resp,
                   "StartContainer " + id);
}

Status CriClient::StopPod(const std::string& pod_id) {
  cri::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(pod_id);
  cri::StopPodSandboxResponse resp;
  return UnaryCall(*runtime_, &cri::RuntimeService::Stub::StopPodSandbox, req, &resp,
                   "StopPodSandbox " + pod_id);
}

Status CriClient::RemovePod(const std::string& pod_id) {
  cri::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(pod_id);
  cri::RemovePodSandboxResponse resp;
  return UnaryCall(*runtime_, &cri::RuntimeService::Stub::RemovePodSandbox, req, &resp,
                   "RemovePodSandbox " + pod_id);
}

Status CriClient::ExecSync(const std::string& container_id, const std::vector<std::string>& cmd) {
  cri::ExecSyncRequest req;
  req.set_container_id(container_id);
  for (const std::string& arg : cmd) req.add_cmd(arg);
  req.set_timeout(30);
  cri::ExecSyncResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::ExecSync, req, &resp,
                                 "ExecSync in " + container_id, seconds(60)),
                       "");
  if (resp.exit_code() != 0) {
    return Status(StatusCode::kInternal, "ExecSync in " + container_id + ": exit code " +
                                             std::to_string(resp.exit_code()) + ": " +
                                             resp.stderr());
  }
  return OkStatus();
}

Result<int> CriClient::ListContainers() {
  cri::ListContainersRequest req;
  cri::ListContainersResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::ListContainers, req, &resp,
                                 "ListContainers", seconds(60)),
                       "");
  return resp.containers_size();
}

Result<int> CriClient::ListContainerStats() {
  cri::ListContainerStatsRequest req;
  cri::ListContainerStatsResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::ListContainerStats, req,
                                 &resp, "ListContainerStats", seconds(60)),
                       "");
  return resp.stats_size();
}

Result<std::string> CriClient::ContainerInfo(const std::string& id) {
  cri::ContainerStatusRequest req;
  req.set_container_id(id);
  req.set_verbose(true);
  cri::ContainerStatusResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::ContainerStatus, req, &resp,
                                 "ContainerStatus " + id, seconds(60)),
                       "");
  auto it = resp.info().find("info");
  if (it == resp.info().end()) {
    return Status(StatusCode::kNotFound, "ContainerStatus " + id + ": no verbose info");
  }
  return it->second;
}

Result<std::vector<std::string>> CriClient::ListPodIds() {
  cri::ListPodSandboxRequest req;
  cri::ListPodSandboxResponse resp;
  CRIA_RETURN_IF_ERROR(UnaryCall(*runtime_, &cri::RuntimeService::Stub::ListPodSandbox, req, &resp,
                                 "ListPodSandbox", seconds(60)),
                       "");
  std::vector<std::string> ids;
  for (const auto& pod : resp.items()) ids.push_back(pod.id());
  return ids;
}

Result<StartedPod> CriClient::StartPodWithContainer(const PodSpec& pod, const std::string& image,
                                                    const std::vector<std::string>& command,
                                                    StartTimes* times) {
  auto t0 = Clock::now();
  CRIA_ASSIGN_OR_RETURN(std::string pod_id, RunPod(pod), "");
  auto t1 = Clock::now();
  Result<std::string> id = CreateContainer(pod_id, pod, ContainerConfig("c", image, command));
  auto t2 = Clock::now();
  Status s = id.ok() ? StartContainer(*id) : id.status();
  auto t3 = Clock::now();
  if (!s.ok()) {
    (void)StopAndRemovePod(pod_id);
    return s;
  }
  if (times != nullptr) *times = {Ms(t1 - t0), Ms(t2 - t1), Ms(t3 - t2)};
  return StartedPod{pod_id, *id};
}

Status CriClient::StopAndRemovePod(const std::string& pod_id) {
  CRIA_RETURN_IF_ERROR(StopPod(pod_id), "");
  return RemovePod(pod_id);
}

}  // namespace cria::bench

// The CRI RuntimeService as cria-runtime serves it on runtime.sock (the gateway forwards
// the kubelet's calls here). One .cc per RPC or group of RPCs. Methods not implemented
// yet (containers, exec, stats, events) reach the server's fallback, which answers
// UNIMPLEMENTED naming the method.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "cri/runtime/v1/cri_api.h"
#include "libs/config/config.h"
#include "libs/rpc/unimplemented.h"
#include "services/runtime/clients/dependencies.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/pods/pod_manager.h"

namespace cria::runtime {

class RuntimeService : public rpc::PartialService<::runtime::v1::RuntimeService::CallbackService> {
 public:
  RuntimeService(const config::Config& config, const clients::Dependencies& dependencies,
                 pods::PodManager& pods, containers::ContainerManager& containers);
  ~RuntimeService() override;

  // RuntimeReady: the OCI runtime binary, conmon and cria-pinns are found, and cria-image
  // and cria-storage answer.
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const ::runtime::v1::StatusRequest* request,
                                   ::runtime::v1::StatusResponse* response) override;
  // The cgroup driver, so the kubelet can match it.
  grpc::ServerUnaryReactor* RuntimeConfig(grpc::CallbackServerContext* context,
                                          const ::runtime::v1::RuntimeConfigRequest* request,
                                          ::runtime::v1::RuntimeConfigResponse* response) override;

  // Pods (server/pods.cc).
  grpc::ServerUnaryReactor* RunPodSandbox(grpc::CallbackServerContext* context,
                                          const ::runtime::v1::RunPodSandboxRequest* request,
                                          ::runtime::v1::RunPodSandboxResponse* response) override;
  grpc::ServerUnaryReactor* StopPodSandbox(
      grpc::CallbackServerContext* context, const ::runtime::v1::StopPodSandboxRequest* request,
      ::runtime::v1::StopPodSandboxResponse* response) override;
  grpc::ServerUnaryReactor* RemovePodSandbox(
      grpc::CallbackServerContext* context, const ::runtime::v1::RemovePodSandboxRequest* request,
      ::runtime::v1::RemovePodSandboxResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePodSandboxResources(
      grpc::CallbackServerContext* context,
      const ::runtime::v1::UpdatePodSandboxResourcesRequest* request,
      ::runtime::v1::UpdatePodSandboxResourcesResponse* response) override;
  grpc::ServerUnaryReactor* PodSandboxStatus(
      grpc::CallbackServerContext* context, const ::runtime::v1::PodSandboxStatusRequest* request,
      ::runtime::v1::PodSandboxStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListPodSandbox(
      grpc::CallbackServerContext* context, const ::runtime::v1::ListPodSandboxRequest* request,
      ::runtime::v1::ListPodSandboxResponse* response) override;

  // Containers (server/containers.cc).
  grpc::ServerUnaryReactor* CreateContainer(
      grpc::CallbackServerContext* context, const ::runtime::v1::CreateContainerRequest* request,
      ::runtime::v1::CreateContainerResponse* response) override;
  grpc::ServerUnaryReactor* StartContainer(
      grpc::CallbackServerContext* context, const ::runtime::v1::StartContainerRequest* request,
      ::runtime::v1::StartContainerResponse* response) override;
  grpc::ServerUnaryReactor* StopContainer(grpc::CallbackServerContext* context,
                                          const ::runtime::v1::StopContainerRequest* request,
                                          ::runtime::v1::StopContainerResponse* response) override;
  grpc::ServerUnaryReactor* RemoveContainer(
      grpc::CallbackServerContext* context, const ::runtime::v1::RemoveContainerRequest* request,
      ::runtime::v1::RemoveContainerResponse* response) override;
  grpc::ServerUnaryReactor* ContainerStatus(
      grpc::CallbackServerContext* context, const ::runtime::v1::ContainerStatusRequest* request,
      ::runtime::v1::ContainerStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListContainers(
      grpc::CallbackServerContext* context, const ::runtime::v1::ListContainersRequest* request,
      ::runtime::v1::ListContainersResponse* response) override;
  grpc::ServerUnaryReactor* ExecSync(grpc::CallbackServerContext* context,
                                     const ::runtime::v1::ExecSyncRequest* request,
                                     ::runtime::v1::ExecSyncResponse* response) override;
  grpc::ServerUnaryReactor* UpdateContainerResources(
      grpc::CallbackServerContext* context,
      const ::runtime::v1::UpdateContainerResourcesRequest* request,
      ::runtime::v1::UpdateContainerResourcesResponse* response) override;
  grpc::ServerUnaryReactor* ReopenContainerLog(
      grpc::CallbackServerContext* context, const ::runtime::v1::ReopenContainerLogRequest* request,
      ::runtime::v1::ReopenContainerLogResponse* response) override;

 private:
  const config::Config& config_;
  const clients::Dependencies& dependencies_;
  pods::PodManager& pods_;
  containers::ContainerManager& containers_;
  // Pod and container calls run mounts, CNI plugins and OCI runtimes: never on gRPC's
  // threads.
  boost::asio::thread_pool workers_{8};
};

}  // namespace cria::runtime

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
#include "services/runtime/pods/pod_manager.h"

namespace cria::runtime {

class RuntimeService : public rpc::PartialService<::runtime::v1::RuntimeService::CallbackService> {
 public:
  RuntimeService(const config::Config& config, const clients::Dependencies& dependencies,
                 pods::PodManager& pods);
  ~RuntimeService() override;

  // RuntimeReady: the OCI runtime binary is found and cria-image and cria-storage answer.
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
  grpc::ServerUnaryReactor* PodSandboxStatus(
      grpc::CallbackServerContext* context, const ::runtime::v1::PodSandboxStatusRequest* request,
      ::runtime::v1::PodSandboxStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListPodSandbox(
      grpc::CallbackServerContext* context, const ::runtime::v1::ListPodSandboxRequest* request,
      ::runtime::v1::ListPodSandboxResponse* response) override;

 private:
  const config::Config& config_;
  const clients::Dependencies& dependencies_;
  pods::PodManager& pods_;
  // Pod and container calls run mounts, CNI plugins and OCI runtimes: never on gRPC's
  // threads.
  boost::asio::thread_pool workers_{8};
};

}  // namespace cria::runtime

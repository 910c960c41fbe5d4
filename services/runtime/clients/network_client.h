// cria-runtime's calls to cria-network (cria.network.v1) for pod networks.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "cria/network/v1/network.grpc.pb.h"
#include "libs/status/status.h"

namespace cria::runtime::clients {

struct PodNetwork {
  std::string netns_path;
  std::vector<std::string> ips;
};

class NetworkClient {
 public:
  explicit NetworkClient(std::shared_ptr<grpc::Channel> channel);

  // A netns pinned for `pod_id` with the CNI network attached.
  Result<PodNetwork> Create(const std::string& pod_id,
                            const ::runtime::v1::PodSandboxConfig& config);
  // Detaches and removes it; unknown pods are OK.
  Status Remove(const std::string& pod_id);

 private:
  std::unique_ptr<network::v1::Network::Stub> stub_;
};

}  // namespace cria::runtime::clients

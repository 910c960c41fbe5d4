// cria.network.v1.Network: turns requests into pod::PodNetworks calls. CNI plugins run
// for up to network.plugin_timeout, so every call is handed to a bounded worker pool;
// gRPC's threads never block on them.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "cria/network/v1/network.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"
#include "services/network/pod/pod_networks.h"

namespace cria::network {

class NetworkService : public rpc::PartialService<v1::Network::CallbackService> {
 public:
  NetworkService(const daemon::Identity& identity, pod::PodNetworks& pods);
  ~NetworkService() override;

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;
  grpc::ServerUnaryReactor* NetworkStatus(grpc::CallbackServerContext* context,
                                          const v1::NetworkStatusRequest* request,
                                          v1::NetworkStatusResponse* response) override;
  grpc::ServerUnaryReactor* CreatePodNetwork(grpc::CallbackServerContext* context,
                                             const v1::CreatePodNetworkRequest* request,
                                             v1::CreatePodNetworkResponse* response) override;
  grpc::ServerUnaryReactor* RemovePodNetwork(grpc::CallbackServerContext* context,
                                             const v1::RemovePodNetworkRequest* request,
                                             v1::RemovePodNetworkResponse* response) override;
  grpc::ServerUnaryReactor* PodNetworkStatus(grpc::CallbackServerContext* context,
                                             const v1::PodNetworkStatusRequest* request,
                                             v1::PodNetworkStatusResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePodCidr(grpc::CallbackServerContext* context,
                                          const v1::UpdatePodCidrRequest* request,
                                          v1::UpdatePodCidrResponse* response) override;

 private:
  const daemon::Identity& identity_;
  pod::PodNetworks& pods_;
  boost::asio::thread_pool workers_;
};

}  // namespace cria::network

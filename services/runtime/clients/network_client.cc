#include "services/runtime/clients/network_client.h"

#include <chrono>

#include "libs/rpc/client.h"
#include "libs/status/grpc_status.h"

namespace cria::runtime::clients {
namespace {

// CNI plugins may take their time (network.plugin_timeout is one minute by default).
constexpr std::chrono::minutes kTimeout{3};

Status FromNetwork(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return OkStatus();
  Status s = FromGrpc(status);
  return Status(s.code(), "cria-network: " + what + ": " + std::string(s.message()));
}

}  // namespace

NetworkClient::NetworkClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(network::v1::Network::NewStub(std::move(channel))) {}

Result<PodNetwork> NetworkClient::Create(const std::string& pod_id,
                                         const ::runtime::v1::PodSandboxConfig& config) {
  network::v1::CreatePodNetworkRequest request;
  request.set_pod_id(pod_id);
  request.set_pod_name(config.metadata().name());
  request.set_pod_namespace(config.metadata().namespace_());
  request.set_pod_uid(config.metadata().uid());
  for (const auto& pm : config.port_mappings()) {
    auto* out = request.add_port_mappings();
    out->set_protocol(pm.protocol() == ::runtime::v1::UDP    ? "udp"
                      : pm.protocol() == ::runtime::v1::SCTP ? "sctp"
                                                             : "tcp");
    out->set_container_port(pm.container_port());
    out->set_host_port(pm.host_port());
    out->set_host_ip(pm.host_ip());
  }
  for (const auto& [k, v] : config.annotations()) (*request.mutable_annotations())[k] = v;
  request.set_cgroup_parent(config.linux().cgroup_parent());
  for (const auto& server : config.dns_config().servers())
    request.mutable_dns()->add_servers(server);
  for (const auto& search : config.dns_config().searches()) {
    request.mutable_dns()->add_searches(search);
  }
  for (const auto& option : config.dns_config().options()) {
    request.mutable_dns()->add_options(option);
  }
  network::v1::CreatePodNetworkResponse response;
  auto ctx = rpc::NewContext(kTimeout, true);
  CRIA_RETURN_IF_ERROR(FromNetwork(stub_->CreatePodNetwork(ctx.get(), request, &response),
                                   "create the network of pod " + pod_id),
                       "");
  return PodNetwork{response.netns_path(), {response.ips().begin(), response.ips().end()}};
}

Status NetworkClient::Remove(const std::string& pod_id) {
  network::v1::RemovePodNetworkRequest request;
  request.set_pod_id(pod_id);
  network::v1::RemovePodNetworkResponse response;
  auto ctx = rpc::NewContext(kTimeout, true);
  return FromNetwork(stub_->RemovePodNetwork(ctx.get(), request, &response),
                     "remove the network of pod " + pod_id);
}

}  // namespace cria::runtime::clients

#include "services/network/server/network_service.h"

#include <boost/asio/post.hpp>

#include "libs/status/grpc_status.h"

namespace cria::network {
namespace {

// Enough for 20 pods set up at once without queueing behind each other.
constexpr int kWorkers = 24;

pod::PodNetworkSpec SpecOf(const v1::CreatePodNetworkRequest& r) {
  pod::PodNetworkSpec spec;
  spec.pod_id = r.pod_id();
  spec.pod_name = r.pod_name();
  spec.pod_namespace = r.pod_namespace();
  spec.pod_uid = r.pod_uid();
  for (const auto& pm : r.port_mappings()) {
    spec.port_mappings.push_back({pm.protocol().empty() ? "tcp" : pm.protocol(),
                                  pm.container_port(), pm.host_port(), pm.host_ip()});
  }
  spec.annotations.insert(r.annotations().begin(), r.annotations().end());
  spec.dns.servers.assign(r.dns().servers().begin(), r.dns().servers().end());
  spec.dns.searches.assign(r.dns().searches().begin(), r.dns().searches().end());
  spec.dns.options.assign(r.dns().options().begin(), r.dns().options().end());
  spec.cgroup_parent = r.cgroup_parent();
  return spec;
}

template <typename Response>
void Fill(Response* response, const pod::PodNetworkInfo& info) {
  response->set_netns_path(info.netns);
  for (const auto& ip : info.ips) response->add_ips(ip);
  response->set_network_name(info.network_name);
}

}  // namespace

NetworkService::NetworkService(const daemon::Identity& identity, pod::PodNetworks& pods)
    : identity_(identity), pods_(pods), workers_(kWorkers) {
  ServeOnly("cria.network.v1.Network", {"ServiceInfo", "NetworkStatus", "CreatePodNetwork",
                                        "RemovePodNetwork", "PodNetworkStatus", "UpdatePodCidr"});
}

NetworkService::~NetworkService() { workers_.join(); }

grpc::ServerUnaryReactor* NetworkService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* NetworkService::NetworkStatus(grpc::CallbackServerContext* context,
                                                        const v1::NetworkStatusRequest*,
                                                        v1::NetworkStatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, response] {
    pod::Readiness r = pods_.CheckReady();
    response->set_ready(r.ready);
    response->set_reason(r.reason);
    response->set_message(r.message);
    response->set_network_name(r.network_name);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* NetworkService::CreatePodNetwork(
    grpc::CallbackServerContext* context, const v1::CreatePodNetworkRequest* request,
    v1::CreatePodNetworkResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<pod::PodNetworkInfo> info = pods_.Create(SpecOf(*request));
    if (info.ok()) Fill(response, *info);
    reactor->Finish(ToGrpc(info.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* NetworkService::RemovePodNetwork(
    grpc::CallbackServerContext* context, const v1::RemovePodNetworkRequest* request,
    v1::RemovePodNetworkResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Status s = request->pod_id().empty()
                   ? Status(StatusCode::kInvalidArgument, "pod_id is required")
                   : pods_.Remove(request->pod_id());
    reactor->Finish(ToGrpc(s));
  });
  return reactor;
}

grpc::ServerUnaryReactor* NetworkService::PodNetworkStatus(
    grpc::CallbackServerContext* context, const v1::PodNetworkStatusRequest* request,
    v1::PodNetworkStatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<pod::PodNetworkInfo> info = pods_.Get(request->pod_id(), request->check());
    if (info.ok()) Fill(response, *info);
    reactor->Finish(ToGrpc(info.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* NetworkService::UpdatePodCidr(grpc::CallbackServerContext* context,
                                                        const v1::UpdatePodCidrRequest* request,
                                                        v1::UpdatePodCidrResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    reactor->Finish(ToGrpc(pods_.SetPodCidr(request->pod_cidr())));
  });
  return reactor;
}

}  // namespace cria::network

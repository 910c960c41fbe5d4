// RuntimeService pod calls: RunPodSandbox, StopPodSandbox, RemovePodSandbox,
// UpdatePodSandboxResources, PodSandboxStatus, ListPodSandbox.
#include <google/protobuf/util/json_util.h>

#include <boost/asio/post.hpp>

#include "libs/status/grpc_status.h"
#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {
namespace {

namespace cri = ::runtime::v1;

cri::PodSandboxState CriState(pods::PodState state) {
  return state == pods::PodState::kReady ? cri::SANDBOX_READY : cri::SANDBOX_NOTREADY;
}

void FillStatus(const pods::PodRecord& r, cri::PodSandboxStatus* out) {
  out->set_id(r.id);
  *out->mutable_metadata() = r.config.metadata();
  out->set_state(CriState(r.state));
  out->set_created_at(r.created_unix_nano);
  if (!r.ips.empty()) {
    out->mutable_network()->set_ip(r.ips[0]);
    for (size_t i = 1; i < r.ips.size(); ++i) {
      out->mutable_network()->add_additional_ips()->set_ip(r.ips[i]);
    }
  }
  *out->mutable_linux()->mutable_namespaces()->mutable_options() =
      r.config.linux().security_context().namespace_options();
  *out->mutable_labels() = r.config.labels();
  *out->mutable_annotations() = r.config.annotations();
  out->set_runtime_handler(r.runtime_handler);
}

bool Matches(const pods::PodRecord& r, const cri::PodSandboxFilter& filter) {
  if (!filter.id().empty() && r.id.rfind(filter.id(), 0) != 0) return false;
  if (filter.has_state() && filter.state().state() != CriState(r.state)) return false;
  for (const auto& [k, v] : filter.label_selector()) {
    auto it = r.config.labels().find(k);
    if (it == r.config.labels().end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

grpc::ServerUnaryReactor* RuntimeService::RunPodSandbox(grpc::CallbackServerContext* context,
                                                        const cri::RunPodSandboxRequest* request,
                                                        cri::RunPodSandboxResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, context, reactor, request, response] {
    Result<std::string> id =
        pods_.Run(request->config(), request->runtime_handler(), context->deadline());
    if (id.ok()) response->set_pod_sandbox_id(*id);
    reactor->Finish(ToGrpc(id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::StopPodSandbox(grpc::CallbackServerContext* context,
                                                         const cri::StopPodSandboxRequest* request,
                                                         cri::StopPodSandboxResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = pods_.ResolveId(request->pod_sandbox_id());
    cria::Status s = id.ok() ? pods_.Stop(*id) : id.status();
    // Stopping a pod that is gone is fine: the kubelet retries stops.
    if (s.code() == StatusCode::kNotFound) s = cria::OkStatus();
    reactor->Finish(ToGrpc(s));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::RemovePodSandbox(
    grpc::CallbackServerContext* context, const cri::RemovePodSandboxRequest* request,
    cri::RemovePodSandboxResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = pods_.ResolveId(request->pod_sandbox_id());
    reactor->Finish(ToGrpc(id.ok() ? pods_.Remove(*id) : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::UpdatePodSandboxResources(
    grpc::CallbackServerContext* context, const cri::UpdatePodSandboxResourcesRequest* request,
    cri::UpdatePodSandboxResourcesResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = pods_.ResolveId(request->pod_sandbox_id());
    reactor->Finish(ToGrpc(
        id.ok()
            ? pods_.UpdateResources(*id, request->has_overhead() ? &request->overhead() : nullptr,
                                    request->has_resources() ? &request->resources() : nullptr)
            : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::PodSandboxStatus(
    grpc::CallbackServerContext* context, const cri::PodSandboxStatusRequest* request,
    cri::PodSandboxStatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  Result<std::string> id = pods_.ResolveId(request->pod_sandbox_id());
  Result<pods::PodRecord> record = id.ok() ? pods_.Get(*id) : id.status();
  if (record.ok()) {
    FillStatus(*record, response->mutable_status());
    if (request->verbose()) {
      std::string config;
      (void)google::protobuf::util::MessageToJsonString(record->config, &config);
      (*response->mutable_info())["info"] =
          "{\"config\":" + config + ",\"netns\":\"" + record->net_ns + "\",\"ipcNamespace\":\"" +
          record->ipc_ns + "\",\"utsNamespace\":\"" + record->uts_ns + "\",\"runDir\":\"" +
          record->dir + "\"}";
    }
  }
  reactor->Finish(ToGrpc(record.status()));
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::ListPodSandbox(grpc::CallbackServerContext* context,
                                                         const cri::ListPodSandboxRequest* request,
                                                         cri::ListPodSandboxResponse* response) {
  for (const auto& snapshot : pods_.List()) {
    const pods::PodRecord& r = *snapshot;
    if (request->has_filter() && !Matches(r, request->filter())) continue;
    cri::PodSandbox* pod = response->add_items();
    pod->set_id(r.id);
    *pod->mutable_metadata() = r.config.metadata();
    pod->set_state(CriState(r.state));
    pod->set_created_at(r.created_unix_nano);
    *pod->mutable_labels() = r.config.labels();
    *pod->mutable_annotations() = r.config.annotations();
    pod->set_runtime_handler(r.runtime_handler);
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::runtime

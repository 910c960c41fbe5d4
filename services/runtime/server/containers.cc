// RuntimeService container calls: CreateContainer, StartContainer, StopContainer,
// RemoveContainer, ContainerStatus, ListContainers, ExecSync, UpdateContainerResources,
// ReopenContainerLog.
#include <google/protobuf/util/json_util.h>

#include <boost/asio/post.hpp>
#include <fstream>
#include <sstream>

#include "libs/status/grpc_status.h"
#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {
namespace {

namespace cri = ::runtime::v1;
using containers::ContainerRecord;

void FillContainer(const ContainerRecord& r, cri::Container* out) {
  out->set_id(r.id);
  out->set_pod_sandbox_id(r.pod_id);
  *out->mutable_metadata() = r.config.metadata();
  *out->mutable_image() = r.config.image();
  out->set_image_ref(r.image_id);
  out->set_image_id(r.image_id);
  out->set_state(containers::CriState(r.state));
  out->set_created_at(r.created_unix_nano);
  *out->mutable_labels() = r.config.labels();
  *out->mutable_annotations() = r.config.annotations();
}

void FillStatus(const ContainerRecord& r, cri::ContainerStatus* out) {
  out->set_id(r.id);
  *out->mutable_metadata() = r.config.metadata();
  out->set_state(containers::CriState(r.state));
  out->set_created_at(r.created_unix_nano);
  out->set_started_at(r.started_unix_nano);
  out->set_finished_at(r.finished_unix_nano);
  out->set_exit_code(r.exit_code);
  // As containerd: a tag of the image rather than the image ID the kubelet created it by,
  // and a digested reference (the pod's imageID) where the image has one.
  *out->mutable_image() = r.config.image();
  if (!r.image_name.empty()) out->mutable_image()->set_image(r.image_name);
  out->set_image_ref(r.image_digest.empty() ? r.image_id : r.image_digest);
  out->set_image_id(r.image_id);
  out->set_reason(r.reason);
  out->set_message(r.message);
  *out->mutable_labels() = r.config.labels();
  *out->mutable_annotations() = r.config.annotations();
  *out->mutable_mounts() = r.config.mounts();
  out->set_log_path(r.log_path);
  out->set_stop_signal(r.config.stop_signal());
  // As the kubelet reads them: the resources in force (an in-place resize is done when
  // they match), and the identity the process started with (SupplementalGroupsPolicy).
  *out->mutable_resources()->mutable_linux() = r.config.linux().resources();
  if (r.user.has_linux()) *out->mutable_user() = r.user;
}

bool Matches(const ContainerRecord& r, const cri::ContainerFilter& f) {
  if (!f.id().empty() && r.id.rfind(f.id(), 0) != 0) return false;
  if (!f.pod_sandbox_id().empty() && r.pod_id.rfind(f.pod_sandbox_id(), 0) != 0) return false;
  if (f.has_state() && f.state().state() != containers::CriState(r.state)) return false;
  for (const auto& [k, v] : f.label_selector()) {
    auto it = r.config.labels().find(k);
    if (it == r.config.labels().end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

grpc::ServerUnaryReactor* RuntimeService::CreateContainer(
    grpc::CallbackServerContext* context, const cri::CreateContainerRequest* request,
    cri::CreateContainerResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, context, reactor, request, response] {
    Result<std::string> pod = pods_.ResolveId(request->pod_sandbox_id());
    Result<std::string> id =
        pod.ok() ? containers_.Create(*pod, request->config(), request->sandbox_config(),
                                      context->deadline())
                 : pod.status();
    if (id.ok()) response->set_container_id(*id);
    reactor->Finish(ToGrpc(id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::StartContainer(grpc::CallbackServerContext* context,
                                                         const cri::StartContainerRequest* request,
                                                         cri::StartContainerResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    reactor->Finish(ToGrpc(id.ok() ? containers_.Start(*id) : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::StopContainer(grpc::CallbackServerContext* context,
                                                        const cri::StopContainerRequest* request,
                                                        cri::StopContainerResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    reactor->Finish(ToGrpc(id.ok() ? containers_.Stop(*id, request->timeout()) : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::RemoveContainer(
    grpc::CallbackServerContext* context, const cri::RemoveContainerRequest* request,
    cri::RemoveContainerResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    reactor->Finish(ToGrpc(id.ok() ? containers_.Remove(*id) : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::ContainerStatus(
    grpc::CallbackServerContext* context, const cri::ContainerStatusRequest* request,
    cri::ContainerStatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    Result<ContainerRecord> record = id.ok() ? containers_.Get(*id) : id.status();
    if (record.ok()) {
      FillStatus(*record, response->mutable_status());
      if (request->verbose()) {
        std::ifstream spec(record->bundle + "/config.json");
        std::stringstream text;
        text << spec.rdbuf();
        std::string info = "{\"pid\":" + std::to_string(record->pid) + ",\"sandboxID\":\"" +
                           record->pod_id + "\",\"runtimeHandler\":\"" + record->handler +
                           "\",\"runtimeSpec\":" + (text.str().empty() ? "null" : text.str()) + "}";
        (*response->mutable_info())["info"] = info;
      }
    }
    reactor->Finish(ToGrpc(record.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::ListContainers(grpc::CallbackServerContext* context,
                                                         const cri::ListContainersRequest* request,
                                                         cri::ListContainersResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    for (const auto& r : containers_.List()) {
      if (request->has_filter() && !Matches(*r, request->filter())) continue;
      FillContainer(*r, response->add_containers());
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::ExecSync(grpc::CallbackServerContext* context,
                                                   const cri::ExecSyncRequest* request,
                                                   cri::ExecSyncResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    Result<containers::ExecResult> result =
        id.ok() ? containers_.ExecSync(*id, {request->cmd().begin(), request->cmd().end()},
                                       request->timeout())
                : id.status();
    if (result.ok()) {
      response->set_stdout(result->out);
      response->set_stderr(result->err);
      response->set_exit_code(result->exit_code);
    }
    reactor->Finish(ToGrpc(result.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::UpdateContainerResources(
    grpc::CallbackServerContext* context, const cri::UpdateContainerResourcesRequest* request,
    cri::UpdateContainerResourcesResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    reactor->Finish(ToGrpc(id.ok() ? containers_.Update(*id, request->linux()) : id.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RuntimeService::ReopenContainerLog(
    grpc::CallbackServerContext* context, const cri::ReopenContainerLogRequest* request,
    cri::ReopenContainerLogResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    Result<std::string> id = containers_.ResolveId(request->container_id());
    reactor->Finish(ToGrpc(id.ok() ? containers_.ReopenLog(*id) : id.status()));
  });
  return reactor;
}

}  // namespace cria::runtime

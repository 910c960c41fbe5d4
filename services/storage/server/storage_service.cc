#include "services/storage/server/storage_service.h"

#include <boost/asio/post.hpp>
#include <chrono>

#include "libs/clock/unix_time.h"
#include "libs/status/grpc_status.h"
#include "services/storage/store/usage.h"

namespace cria::storage {
namespace {

// Layers of one pull are applied in order, but several pulls can run at once.
constexpr int kWorkers = 4;

Status Measure(const std::string& dir, v1::FilesystemUsage* out) {
  Result<store::Usage> usage = store::MeasureTree(dir);
  if (!usage.ok()) return usage.status();
  out->set_mountpoint(dir);
  out->set_used_bytes(usage->bytes);
  out->set_inodes_used(usage->inodes);
  out->set_timestamp_unix_nano(UnixNanosNow());
  return OkStatus();
}

}  // namespace

StorageService::StorageService(const daemon::Identity& identity, store::LayerStore& layers,
                               store::RootfsStore& rootfs)
    : identity_(identity), layers_(layers), rootfs_(rootfs), workers_(kWorkers) {
  ServeOnly("cria.storage.v1.Storage",
            {"ServiceInfo", "ApplyLayer", "LayerStatus", "CreateRootfs", "MountRootfs",
             "UnmountRootfs", "RemoveRootfs", "PinLayer", "UnpinLayer", "GarbageCollect", "FsInfo",
             "RootfsUsage", "ListPins", "ListRootfs"});
}

StorageService::~StorageService() { workers_.join(); }

grpc::ServerUnaryReactor* StorageService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* StorageService::ApplyLayer(grpc::CallbackServerContext* context,
                                                     const v1::ApplyLayerRequest* request,
                                                     v1::ApplyLayerResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<store::ApplyOutcome> outcome = layers_.Apply(
        {request->parent_chain_id(), request->blob_path(), request->expected_diff_id()});
    if (outcome.ok()) {
      response->set_chain_id(outcome->layer.chain_id);
      response->set_diff_id(outcome->layer.diff_id);
      response->set_size(outcome->layer.size);
      response->set_already_present(outcome->already_present);
    }
    reactor->Finish(ToGrpc(outcome.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::LayerStatus(grpc::CallbackServerContext* context,
                                                      const v1::LayerStatusRequest* request,
                                                      v1::LayerStatusResponse* response) {
  if (std::optional<store::LayerInfo> layer = layers_.Get(request->chain_id())) {
    response->set_present(true);
    response->set_diff_id(layer->diff_id);
    response->set_parent_chain_id(layer->parent);
    response->set_size(layer->size);
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::CreateRootfs(grpc::CallbackServerContext* context,
                                                       const v1::CreateRootfsRequest* request,
                                                       v1::CreateRootfsResponse* response) {
  auto* reactor = context->DefaultReactor();
  // vfs copies the image here: a worker, not a gRPC thread.
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<store::RootfsInfo> info = rootfs_.Create(request->container_id(), request->top_layer(),
                                                    request->read_only(), request->image_id());
    if (info.ok()) response->set_path(info->path);
    reactor->Finish(ToGrpc(info.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::MountRootfs(grpc::CallbackServerContext* context,
                                                      const v1::MountRootfsRequest* request,
                                                      v1::MountRootfsResponse* response) {
  auto* reactor = context->DefaultReactor();
  Result<store::RootfsInfo> info = rootfs_.Mount(request->container_id());
  if (info.ok()) {
    response->set_path(info->path);
    response->set_mounts(info->mounts);
  }
  reactor->Finish(ToGrpc(info.status()));
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::UnmountRootfs(grpc::CallbackServerContext* context,
                                                        const v1::UnmountRootfsRequest* request,
                                                        v1::UnmountRootfsResponse*) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(rootfs_.Unmount(request->container_id())));
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::RemoveRootfs(grpc::CallbackServerContext* context,
                                                       const v1::RemoveRootfsRequest* request,
                                                       v1::RemoveRootfsResponse*) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request] {
    reactor->Finish(ToGrpc(rootfs_.Remove(request->container_id())));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::PinLayer(grpc::CallbackServerContext* context,
                                                   const v1::PinLayerRequest* request,
                                                   v1::PinLayerResponse*) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(layers_.Pin(request->chain_id(), request->holder())));
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::UnpinLayer(grpc::CallbackServerContext* context,
                                                     const v1::UnpinLayerRequest* request,
                                                     v1::UnpinLayerResponse*) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(layers_.Unpin(request->chain_id(), request->holder())));
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::GarbageCollect(grpc::CallbackServerContext* context,
                                                         const v1::GarbageCollectRequest*,
                                                         v1::GarbageCollectResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, response] {
    Result<store::GcReport> gc = layers_.CollectGarbage(rootfs_.UsedLayers());
    if (gc.ok()) {
      for (const auto& id : gc->removed) response->add_removed(id);
      response->set_bytes_freed(gc->bytes_freed);
    }
    reactor->Finish(ToGrpc(gc.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::FsInfo(grpc::CallbackServerContext* context,
                                                 const v1::FsInfoRequest*,
                                                 v1::FsInfoResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, response] {
    Status s = Measure(layers_.LayersDir(), response->mutable_images());
    if (s.ok()) s = Measure(rootfs_.ContainersDir(), response->mutable_containers());
    reactor->Finish(ToGrpc(s));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::RootfsUsage(grpc::CallbackServerContext* context,
                                                      const v1::RootfsUsageRequest* request,
                                                      v1::RootfsUsageResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<store::RootfsInfo> info = rootfs_.Get(request->container_id());
    Status s = info.ok() ? Measure(info->writable, response->mutable_writable()) : info.status();
    reactor->Finish(ToGrpc(s));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::ListPins(grpc::CallbackServerContext* context,
                                                   const v1::ListPinsRequest* request,
                                                   v1::ListPinsResponse* response) {
  for (const store::LayerInfo& layer : layers_.List()) {
    for (const std::string& holder : layer.holders) {
      if (holder.rfind(request->holder_prefix(), 0) != 0) continue;
      v1::Pin* pin = response->add_pins();
      pin->set_chain_id(layer.chain_id);
      pin->set_holder(holder);
    }
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::ListRootfs(grpc::CallbackServerContext* context,
                                                     const v1::ListRootfsRequest*,
                                                     v1::ListRootfsResponse* response) {
  for (const store::RootfsInfo& info : rootfs_.List()) {
    v1::RootfsEntry* entry = response->add_rootfs();
    entry->set_container_id(info.container_id);
    entry->set_top_layer(info.top_layer);
    entry->set_image_id(info.image_id);
    entry->set_mounts(info.mounts);
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::storage

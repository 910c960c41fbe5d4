// cria.storage.v1.Storage: turns requests into store::LayerStore calls. Unpacking a layer
// takes seconds, so calls run on a bounded worker pool, never on gRPC's threads.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/daemon/identity.h"
#include "libs/rpc/unimplemented.h"
#include "services/storage/store/layer_store.h"
#include "services/storage/store/rootfs_store.h"

namespace cria::storage {

class StorageService : public rpc::PartialService<v1::Storage::CallbackService> {
 public:
  StorageService(const daemon::Identity& identity, store::LayerStore& layers,
                 store::RootfsStore& rootfs);
  ~StorageService() override;

  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* context,
                                        const info::v1::ServiceInfoRequest* request,
                                        info::v1::ServiceInfoResponse* response) override;
  grpc::ServerUnaryReactor* ApplyLayer(grpc::CallbackServerContext* context,
                                       const v1::ApplyLayerRequest* request,
                                       v1::ApplyLayerResponse* response) override;
  grpc::ServerUnaryReactor* LayerStatus(grpc::CallbackServerContext* context,
                                        const v1::LayerStatusRequest* request,
                                        v1::LayerStatusResponse* response) override;
  grpc::ServerUnaryReactor* CreateRootfs(grpc::CallbackServerContext* context,
                                         const v1::CreateRootfsRequest* request,
                                         v1::CreateRootfsResponse* response) override;
  grpc::ServerUnaryReactor* MountRootfs(grpc::CallbackServerContext* context,
                                        const v1::MountRootfsRequest* request,
                                        v1::MountRootfsResponse* response) override;
  grpc::ServerUnaryReactor* UnmountRootfs(grpc::CallbackServerContext* context,
                                          const v1::UnmountRootfsRequest* request,
                                          v1::UnmountRootfsResponse* response) override;
  grpc::ServerUnaryReactor* RemoveRootfs(grpc::CallbackServerContext* context,
                                         const v1::RemoveRootfsRequest* request,
                                         v1::RemoveRootfsResponse* response) override;
  grpc::ServerUnaryReactor* PinLayer(grpc::CallbackServerContext* context,
                                     const v1::PinLayerRequest* request,
                                     v1::PinLayerResponse* response) override;
  grpc::ServerUnaryReactor* UnpinLayer(grpc::CallbackServerContext* context,
                                       const v1::UnpinLayerRequest* request,
                                       v1::UnpinLayerResponse* response) override;
  grpc::ServerUnaryReactor* GarbageCollect(grpc::CallbackServerContext* context,
                                           const v1::GarbageCollectRequest* request,
                                           v1::GarbageCollectResponse* response) override;
  grpc::ServerUnaryReactor* FsInfo(grpc::CallbackServerContext* context,
                                   const v1::FsInfoRequest* request,
                                   v1::FsInfoResponse* response) override;
  grpc::ServerUnaryReactor* RootfsUsage(grpc::CallbackServerContext* context,
                                        const v1::RootfsUsageRequest* request,
                                        v1::RootfsUsageResponse* response) override;
  grpc::ServerUnaryReactor* ListPins(grpc::CallbackServerContext* context,
                                     const v1::ListPinsRequest* request,
                                     v1::ListPinsResponse* response) override;
  grpc::ServerUnaryReactor* ListRootfs(grpc::CallbackServerContext* context,
                                       const v1::ListRootfsRequest* request,
                                       v1::ListRootfsResponse* response) override;

 private:
  const daemon::Identity& identity_;
  store::LayerStore& layers_;
  store::RootfsStore& rootfs_;
  boost::asio::thread_pool workers_;
};

}  // namespace cria::storage

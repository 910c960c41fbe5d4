// ImageService.ImageFsInfo: the usage of the layers (image filesystem) and of the
// containers' writable parts (container filesystem), as cria-storage measures them.
#include <memory>

#include "services/gateway/proxy/backend_call.h"
#include "services/gateway/server/cri_image_service.h"

namespace cria::gateway {
namespace {

void Convert(const storage::v1::FilesystemUsage& in, ::runtime::v1::FilesystemUsage* out) {
  out->set_timestamp(in.timestamp_unix_nano());
  out->mutable_fs_id()->set_mountpoint(in.mountpoint());
  out->mutable_used_bytes()->set_value(in.used_bytes());
  out->mutable_inodes_used()->set_value(in.inodes_used());
}

}  // namespace

CriImageService::CriImageService(const config::Config& config, Backends& backends)
    : config_(config),
      backends_(backends),
      storage_(storage::v1::Storage::NewStub(backends.storage.channel())) {
  ServeOnly("runtime.v1.ImageService", {"ImageFsInfo"});
}

grpc::ServerUnaryReactor* CriImageService::ImageFsInfo(
    grpc::CallbackServerContext* context, const ::runtime::v1::ImageFsInfoRequest*,
    ::runtime::v1::ImageFsInfoResponse* response) {
  using Call = UnaryBackendCall<storage::v1::FsInfoRequest, storage::v1::FsInfoResponse>;
  auto call =
      std::make_shared<Call>(context, backends_.storage, config_.gateway.backend_wait_timeout);
  storage_->async()->FsInfo(
      call->backend.context(), &call->req, &call->resp, [call, response](grpc::Status s) {
        if (s.ok()) {
          Convert(call->resp.images(), response->add_image_filesystems());
          Convert(call->resp.containers(), response->add_container_filesystems());
        }
        call->reactor->Finish(call->backend.Outcome(s));
      });
  return call->reactor;
}

}  // namespace cria::gateway

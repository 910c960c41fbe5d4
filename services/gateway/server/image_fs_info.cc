// ImageService.ImageFsInfo: the usage of the layers (image filesystem) and of the
// containers' writable parts (container filesystem), as cria-storage measures them.
#include <grpcpp/client_context.h>

#include <memory>

#include "services/gateway/proxy/deadline.h"
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
  struct Call {
    grpc::ServerUnaryReactor* reactor;
    std::unique_ptr<grpc::ClientContext> ctx;
    storage::v1::FsInfoRequest req;
    storage::v1::FsInfoResponse resp;
  };
  auto call = std::make_shared<Call>();
  call->reactor = context->DefaultReactor();
  call->ctx = grpc::ClientContext::FromCallbackServerContext(*context);
  call->ctx->set_wait_for_ready(true);
  call->ctx->set_deadline(NoDeadline(context->deadline())
                              ? Clock::now() + config_.gateway.backend_wait_timeout
                              : BackendDeadline(context->deadline(), Clock::now()));
  auto started = std::chrono::steady_clock::now();
  storage_->async()->FsInfo(
      call->ctx.get(), &call->req, &call->resp, [this, call, response, started](grpc::Status s) {
        if (s.ok()) {
          Convert(call->resp.images(), response->add_image_filesystems());
          Convert(call->resp.containers(), response->add_container_filesystems());
        } else {
          auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - started);
          s = BackendFailure(s, backends_.storage.name(), backends_.storage.target(),
                             backends_.storage.Connected(), waited);
        }
        call->reactor->Finish(s);
      });
  return call->reactor;
}

}  // namespace cria::gateway

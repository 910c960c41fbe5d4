#include "services/gateway/backends/backend.h"

#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "cria/info/v1/info.pb.h"
#include "libs/rpc/client.h"

namespace cria::gateway {

Backend::Backend(std::string name, std::string socket, std::string info_method)
    : name_(std::move(name)),
      socket_(std::move(socket)),
      info_method_(std::move(info_method)),
      channel_(rpc::UnixChannel(socket_)),
      stub_(channel_) {}

bool Backend::Connected() const { return channel_->GetState(false) == GRPC_CHANNEL_READY; }

void Backend::Describe(std::chrono::milliseconds timeout,
                       std::function<void(v1::Backend description)> done) {
  struct Call {
    std::unique_ptr<grpc::ClientContext> ctx;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    v1::Backend description;
    std::function<void(v1::Backend)> done;
  };
  auto* call = new Call{rpc::NewContext(timeout, false), {}, {}, {}, std::move(done)};
  call->description.set_name(name_);
  call->description.set_target(target());
  bool own_buffer = false;
  info::v1::ServiceInfoRequest request;
  (void)grpc::GenericSerialize<grpc::ProtoBufferWriter, info::v1::ServiceInfoRequest>(
      request, &call->request, &own_buffer);
  stub_.UnaryCall(
      call->ctx.get(), info_method_, {}, &call->request, &call->response, [call](grpc::Status s) {
        if (s.ok()) {
          info::v1::ServiceInfoResponse info;
          s = grpc::GenericDeserialize<grpc::ProtoBufferReader, info::v1::ServiceInfoResponse>(
              &call->response, &info);
          if (s.ok()) {
            call->description.set_reachable(true);
            *call->description.mutable_info() = std::move(info);
          }
        }
        if (!s.ok()) call->description.set_error(s.error_message());
        call->done(std::move(call->description));
        delete call;
      });
}

Backends::Backends(const config::Config& config)
    : runtime("cria-runtime", config::SocketPath(config, config::Daemon::kRuntime),
              "/cria.runtime.v1.Runtime/ServiceInfo"),
      image("cria-image", config::SocketPath(config, config::Daemon::kImage),
            "/cria.image.v1.Image/ServiceInfo"),
      storage("cria-storage", config::SocketPath(config, config::Daemon::kStorage),
              "/cria.storage.v1.Storage/ServiceInfo"),
      network("cria-network", config::SocketPath(config, config::Daemon::kNetwork),
              "/cria.network.v1.Network/ServiceInfo") {}

}  // namespace cria::gateway

#include "libs/rpc/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/status/grpc_status.h"

namespace cria::rpc {

std::string UnixTarget(const std::string& socket_path) { return "unix:" + socket_path; }

std::shared_ptr<grpc::Channel> UnixChannel(const std::string& socket_path) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // CRI messages (ListContainers of a busy node) can exceed gRPC's 4 MiB default.
  args.SetMaxReceiveMessageSize(16 << 20);
  return grpc::CreateCustomChannel(UnixTarget(socket_path), grpc::InsecureChannelCredentials(),
                                   args);
}

std::unique_ptr<grpc::ClientContext> NewContext(std::chrono::milliseconds timeout,
                                                bool wait_for_ready) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  ctx->set_wait_for_ready(wait_for_ready);
  return ctx;
}

namespace {

Status HealthOutcome(const grpc::Status& s, const grpc::health::v1::HealthCheckResponse& resp) {
  if (!s.ok()) return FromGrpc(s);
  if (resp.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return Status(StatusCode::kUnavailable, "health check: not serving");
  }
  return OkStatus();
}

}  // namespace

void CheckHealthAsync(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout,
                      bool wait_for_ready, std::function<void(Status)> done) {
  struct Call {
    std::unique_ptr<grpc::health::v1::Health::Stub> stub;
    std::unique_ptr<grpc::ClientContext> ctx;
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    std::function<void(Status)> done;
  };
  auto* call = new Call{grpc::health::v1::Health::NewStub(channel),
                        NewContext(timeout, wait_for_ready),
                        {},
                        {},
                        std::move(done)};
  call->stub->async()->Check(call->ctx.get(), &call->req, &call->resp, [call](grpc::Status s) {
    call->done(HealthOutcome(s, call->resp));
    delete call;
  });
}

Status CheckHealth(grpc::Channel& channel, std::chrono::milliseconds timeout) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  auto ctx = NewContext(timeout, false);
  return HealthOutcome(stub->Check(ctx.get(), req, &resp), resp);
}

}  // namespace cria::rpc

// criactl's connection to a CRI endpoint, with crictl's endpoint conventions:
// "unix:///run/cria/cria.sock" or a bare path; CONTAINER_RUNTIME_ENDPOINT and
// IMAGE_SERVICE_ENDPOINT when no flag is given.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::criactl {

inline constexpr char kDefaultEndpoint[] = "unix:///run/cria/cria.sock";

struct GlobalOptions {
  std::string runtime_endpoint;  // empty: $CONTAINER_RUNTIME_ENDPOINT or the default
  std::string image_endpoint;    // empty: $IMAGE_SERVICE_ENDPOINT or the runtime endpoint
  std::chrono::milliseconds timeout{2000};
  bool debug = false;
};

// A gRPC target for an endpoint; InvalidArgument for schemes other than unix.
Result<std::string> EndpointTarget(const std::string& endpoint);

class CriClient {
 public:
  static Result<std::unique_ptr<CriClient>> Connect(const GlobalOptions& options);

  ::runtime::v1::RuntimeService::Stub& runtime() { return *runtime_; }
  ::runtime::v1::ImageService::Stub& image() { return *image_; }
  // The image endpoint's channel, for services next to the CRI ImageService there
  // (cria.image.v1.ImagePull).
  const std::shared_ptr<grpc::Channel>& image_channel() const { return image_channel_; }
  // A context with the --timeout deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
  // A context with a deadline `timeout` from now; none when `timeout` is zero.
  std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds timeout) const;
  // --timeout.
  std::chrono::milliseconds timeout() const { return timeout_; }
  const std::string& runtime_endpoint() const { return runtime_endpoint_; }

 private:
  std::unique_ptr<::runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<::runtime::v1::ImageService::Stub> image_;
  std::shared_ptr<grpc::Channel> image_channel_;
  std::chrono::milliseconds timeout_{0};
  std::string runtime_endpoint_;
};

// crictl's rendering of a failed call: "rpc error: code = Unavailable desc = ...".
std::string DescribeRpcError(const grpc::Status& status);

}  // namespace cria::criactl

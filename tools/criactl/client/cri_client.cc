#include "tools/criactl/client/cri_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>

namespace cria::criactl {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

std::string FromEnv(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Result<std::string> EndpointTarget(const std::string& endpoint) {
  if (endpoint.rfind("unix://", 0) == 0) {
    std::string path = endpoint.substr(7);
    if (path.empty() || path[0] != '/') {
      return Status(StatusCode::kInvalidArgument,
                    "endpoint \"" + endpoint + "\" must name an absolute socket path");
    }
    return "unix:" + path;
  }
  if (!endpoint.empty() && endpoint[0] == '/') return "unix:" + endpoint;
  return Status(StatusCode::kInvalidArgument,
                "endpoint \"" + endpoint +
                    "\" is not supported: use unix:///path/to/socket or /path/to/socket");
}

Result<std::unique_ptr<CriClient>> CriClient::Connect(const GlobalOptions& options) {
  std::string runtime = options.runtime_endpoint;
  if (runtime.empty()) runtime = FromEnv("CONTAINER_RUNTIME_ENDPOINT");
  if (runtime.empty()) runtime = kDefaultEndpoint;
  std::string image = options.image_endpoint;
  if (image.empty()) image = FromEnv("IMAGE_SERVICE_ENDPOINT");
  if (image.empty()) image = runtime;
  CRIA_ASSIGN_OR_RETURN(std::string runtime_target, EndpointTarget(runtime), "--runtime-endpoint");
  CRIA_ASSIGN_OR_RETURN(std::string image_target, EndpointTarget(image), "--image-endpoint");
  auto client = std::unique_ptr<CriClient>(new CriClient());
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  auto runtime_channel =
      grpc::CreateCustomChannel(runtime_target, grpc::InsecureChannelCredentials(), args);
  auto image_channel =
      image_target == runtime_target
          ? runtime_channel
          : grpc::CreateCustomChannel(image_target, grpc::InsecureChannelCredentials(), args);
  client->runtime_ = ::runtime::v1::RuntimeService::NewStub(runtime_channel);
  client->image_ = ::runtime::v1::ImageService::NewStub(image_channel);
  client->image_channel_ = image_channel;
  client->timeout_ = options.timeout;
  client->runtime_endpoint_ = runtime;
  return client;
}

std::unique_ptr<grpc::ClientContext> CriClient::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout_);
  return ctx;
}

std::unique_ptr<grpc::ClientContext> CriClient::Context(std::chrono::milliseconds timeout) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (timeout.count() > 0) ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

std::string DescribeRpcError(const grpc::Status& status) {
  return std::string("rpc error: code = ") + CodeName(status.error_code()) +
         " desc = " + status.error_message();
}

}  // namespace cria::criactl

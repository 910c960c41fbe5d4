#include "libs/rpc/unimplemented.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace cria::rpc {
namespace {

class UnimplementedReactor : public grpc::ServerGenericBidiReactor {
 public:
  explicit UnimplementedReactor(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

std::string UnimplementedMessage(std::string_view daemon, std::string_view method) {
  return std::string(daemon) + " does not implement " + std::string(method) + " yet";
}

grpc::ServerGenericBidiReactor* UnimplementedFallback::CreateReactor(
    grpc::GenericCallbackServerContext* ctx) {
  return new UnimplementedReactor(
      grpc::Status(grpc::StatusCode::UNIMPLEMENTED, UnimplementedMessage(daemon_, ctx->method())));
}

void AbortOnBadServiceTable(const Status& status) {
  std::fprintf(stderr, "fatal: ServeOnly: %s\n", MessageOf(status).c_str());
  std::abort();
}

Result<std::vector<int>> MethodsToRelease(std::string_view service_full_name,
                                          std::initializer_list<std::string_view> implemented) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service_full_name));
  if (service == nullptr) {
    return Status(StatusCode::kInvalidArgument,
                  "no generated service named " + std::string(service_full_name));
  }
  for (std::string_view name : implemented) {
    if (service->FindMethodByName(std::string(name)) == nullptr) {
      return Status(StatusCode::kInvalidArgument,
                    std::string(service_full_name) + " has no method " + std::string(name));
    }
  }
  std::vector<int> release;
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& name = service->method(i)->name();
    if (std::find(implemented.begin(), implemented.end(), name) == implemented.end()) {
      release.push_back(i);
    }
  }
  return release;
}

}  // namespace cria::rpc

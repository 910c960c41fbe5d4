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

std::vector<std::string> MethodPaths(std::string_view service_full_name) {
  std::vector<std::string> paths;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service_full_name));
  if (service == nullptr) return paths;
  for (int i = 0; i < service->method_count(); ++i) {
    paths.push_back("/" + service->full_name() + "/" + service->method(i)->name());
  }
  return paths;
}

Result<std::vector<int>> MethodsToRelease(const std::vector<std::string>& method_paths,
                                          std::initializer_list<std::string_view> implemented) {
  auto short_name = [](const std::string& path) {
    return std::string_view(path).substr(path.rfind('/') + 1);
  };
  if (method_paths.empty()) {
    return Status(StatusCode::kInvalidArgument, "no methods: is the service's proto linked in?");
  }
  for (std::string_view name : implemented) {
    bool found = std::any_of(method_paths.begin(), method_paths.end(),
                             [&](const std::string& p) { return short_name(p) == name; });
    if (!found) {
      std::string service = method_paths[0];
      service = service.substr(1, service.rfind('/') - 1);
      return Status(StatusCode::kInvalidArgument, service + " has no method " + std::string(name));
    }
  }
  std::vector<int> release;
  for (size_t i = 0; i < method_paths.size(); ++i) {
    if (std::find(implemented.begin(), implemented.end(), short_name(method_paths[i])) ==
        implemented.end()) {
      release.push_back(static_cast<int>(i));
    }
  }
  return release;
}

}  // namespace cria::rpc

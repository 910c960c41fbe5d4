// Calls a daemon does not implement yet get UNIMPLEMENTED with the method's name and the
// daemon's, never an empty message or a fake success. A typed service lists the methods
// it really implements (ServeOnly); every other method of it, and every unknown method,
// reaches UnimplementedFallback, the server's generic service.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria::rpc {

class UnimplementedFallback : public grpc::CallbackGenericService {
 public:
  explicit UnimplementedFallback(std::string daemon_name) : daemon_(std::move(daemon_name)) {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

 private:
  std::string daemon_;
};

// The message both the fallback and the gateway use:
// "cria-runtime does not implement /runtime.v1.RuntimeService/RunPodSandbox yet".
std::string UnimplementedMessage(std::string_view daemon, std::string_view method);

// The indexes of the methods in `method_paths` (full paths, "/pkg.Service/Method", in the
// generated service's order) whose names are not in `implemented`; InvalidArgument when
// a name in `implemented` is not among them.
Result<std::vector<int>> MethodsToRelease(const std::vector<std::string>& method_paths,
                                          std::initializer_list<std::string_view> implemented);

[[noreturn]] void AbortOnBadServiceTable(const Status& status);

// "/pkg.Service/Method" for each method of the service, in declaration order (the
// generated service's method order), from the compiled descriptors. Empty when the
// service is not linked in.
std::vector<std::string> MethodPaths(std::string_view service_full_name);

// A generated CallbackService that serves only the methods it names; the rest fall
// through to the server's generic service (UnimplementedFallback).
template <typename GeneratedService>
class PartialService : public GeneratedService {
 protected:
  // Call from the constructor of the derived service, with the service's full name and
  // the rpc names it overrides. A name the service does not have is a programming
  // error: it aborts naming it.
  void ServeOnly(std::string_view service_full_name,
                 std::initializer_list<std::string_view> implemented) {
    Result<std::vector<int>> release =
        MethodsToRelease(MethodPaths(service_full_name), implemented);
    if (!release.ok()) AbortOnBadServiceTable(release.status());
    for (int index : *release) this->MarkMethodGeneric(index);
  }
};

}  // namespace cria::rpc

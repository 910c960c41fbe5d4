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

// The indexes of `service_full_name`'s methods (from the generated descriptors) that are
// not in `implemented`; InvalidArgument when a name is not a method of the service.
Result<std::vector<int>> MethodsToRelease(std::string_view service_full_name,
                                          std::initializer_list<std::string_view> implemented);

[[noreturn]] void AbortOnBadServiceTable(const Status& status);

// A generated CallbackService that serves only the methods it names; the rest fall
// through to the server's generic service (UnimplementedFallback).
template <typename GeneratedService>
class PartialService : public GeneratedService {
 protected:
  // Call from the constructor of the derived service. A name that is not a method of
  // the service is a programming error: it aborts with the name.
  void ServeOnly(std::string_view service_full_name,
                 std::initializer_list<std::string_view> implemented) {
    Result<std::vector<int>> release = MethodsToRelease(service_full_name, implemented);
    if (!release.ok()) AbortOnBadServiceTable(release.status());
    for (int index : *release) this->MarkMethodGeneric(index);
  }
};

}  // namespace cria::rpc

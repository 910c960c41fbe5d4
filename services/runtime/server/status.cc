// RuntimeService.Status as cria-runtime answers it: the RuntimeReady condition (the OCI
// runtime, conmon and cria-pinns found, cria-image and cria-storage answering), the runtime
// handlers and features.
// (NetworkReady comes from cria-network; the gateway joins the two.)
#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/oci/runtime_binary.h"
#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {
namespace {

constexpr std::chrono::milliseconds kDependencyTimeout{1000};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "cria-image" → "ImageServiceUnavailable"
std::string UnavailableReason(const std::string& name) {
  std::string svc = name.substr(name.find('-') + 1);
  svc[0] = static_cast<char>(std::toupper(svc[0]));
  return svc + "ServiceUnavailable";
}

}  // namespace

grpc::ServerUnaryReactor* RuntimeService::Status(grpc::CallbackServerContext* context,
                                                 const ::runtime::v1::StatusRequest* request,
                                                 ::runtime::v1::StatusResponse* response) {
  auto* reactor = context->DefaultReactor();
  const bool verbose = request->verbose();
  Result<std::string> binary = oci::FindRuntimeBinary(config_.runtime.default_runtime);
  // What every pod needs besides the OCI runtime (cria-pause only pods sharing their PID
  // namespace need: its absence fails those alone, it does not make the node not ready).
  struct Missing {
    const char* reason;
    cria::Status status;
  };
  std::optional<Missing> missing;
  for (const auto& [reason, path] :
       {std::pair<const char*, const std::string&>{"ConmonNotFound", config_.runtime.conmon_path},
        {"PinnsNotFound", config_.runtime.pinns_path}}) {
    Result<std::string> found = oci::FindHelperBinary(path);
    if (!found.ok() && !missing) missing = Missing{reason, found.status()};
  }
  auto timeout = kDependencyTimeout;
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        context->deadline() - std::chrono::system_clock::now());
    timeout = std::clamp(left * 9 / 10, std::chrono::milliseconds(1), timeout);
  }
  dependencies_.Check(timeout, [this, reactor, response, verbose, binary,
                                missing](std::vector<clients::DependencyState> deps) {
    auto* cond = response->mutable_status()->add_conditions();
    cond->set_type("RuntimeReady");
    cond->set_status(true);
    if (!binary.ok()) {
      cond->set_status(false);
      cond->set_reason("OCIRuntimeNotFound");
      cond->set_message(MessageOf(binary.status()));
    } else if (missing) {
      cond->set_status(false);
      cond->set_reason(missing->reason);
      cond->set_message(MessageOf(missing->status));
    } else {
      for (const auto& dep : deps) {
        if (dep.status.ok()) continue;
        cond->set_status(false);
        cond->set_reason(UnavailableReason(dep.name));
        cond->set_message(dep.name + " does not answer on " + dep.socket + ": " +
                          MessageOf(dep.status));
        break;
      }
    }
    // The handlers RunPodSandbox takes ("" is the default one; a configured handler whose
    // OCI runtime is missing is not listed). None has recursive
    // read-only mounts (runc 1.1 has no "rro") or user namespaces: cria makes neither, and
    // the kubelet refuses pods asking for them rather than run them without.
    response->add_runtime_handlers()->set_name("");
    for (const std::string& handler : pods_.Handlers()) {
      response->add_runtime_handlers()->set_name(handler);
    }
    for (auto& handler : *response->mutable_runtime_handlers()) handler.mutable_features();
    // SupplementalGroupsPolicy (Merge and Strict) and ContainerStatus.user.
    response->mutable_features()->set_supplemental_groups_policy(true);
    if (verbose) {
      auto& info = *response->mutable_info();
      info["ociRuntime"] = binary.ok() ? JsonString(*binary) : "null";
      info["cgroupDriver"] =
          JsonString(cgroups::DriverName(cgroups::ResolveDriver(config_.runtime.cgroup_driver)));
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace cria::runtime

// criactl rmp: remove pods (crictl rmp); --force stops a ready pod first.
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

struct RmpOptions {
  std::vector<std::string> ids;
  bool force = false;
  bool all = false;
};

// False, with the error printed, when the pod was not removed.
bool RemoveOne(Verb& verb, const std::string& id, bool force) {
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  cri::PodSandboxStatusResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().PodSandboxStatus(ctx.get(), request, &response);
  if (!s.ok()) {
    ReportRpcError(verb, "getting sandbox status of pod \"" + id + "\"", s);
    return false;
  }
  if (response.status().state() == cri::SANDBOX_READY) {
    if (!force) {
      ReportError(verb, "pod sandbox \"" + id + "\" is running, please stop it first");
      return false;
    }
    s = StopPod(verb, id);
    if (!s.ok()) {
      ReportRpcError(verb, "stopping the pod sandbox \"" + id + "\" failed", s);
      return false;
    }
  }
  s = RemovePod(verb, id);
  if (!s.ok()) {
    ReportRpcError(verb, "removing the pod sandbox \"" + id + "\"", s);
    return false;
  }
  return true;
}

int RunRmp(Verb& verb, const RmpOptions& options) {
  std::vector<std::string> ids = options.ids;
  if (options.all) {
    cri::ListPodSandboxResponse list;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().ListPodSandbox(ctx.get(), {}, &list);
    if (!s.ok()) return ReportRpcError(verb, "listing pods", s);
    ids.clear();
    for (const auto& pod : list.items()) ids.push_back(pod.id());
    if (ids.empty()) {
      std::cerr << "No pods to remove\n";
      return 0;
    }
  }
  if (ids.empty()) return ReportError(verb, "no pod given (POD-ID [POD-ID...] or --all)");
  bool failed = false;
  for (const std::string& id : ids) failed |= !RemoveOne(verb, id, options.force);
  return failed ? 1 : 0;
}

}  // namespace

void AddRmpCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<RmpOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "rmp", "Remove one or more pods", "table", {},
                          [options](Verb& verb) { return RunRmp(verb, *options); });
  cmd->add_option("pod-id", options->ids, "POD-ID [POD-ID...]");
  cmd->add_flag("-f,--force", options->force,
                "Force removal of the pod sandbox, disregarding if running");
  cmd->add_flag("-a,--all", options->all, "Remove all pods");
}

}  // namespace cria::criactl

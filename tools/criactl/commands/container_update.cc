// criactl update: change the resources of running containers (crictl update), through
// UpdateContainerResources. A flag left out (or 0) leaves that resource as it is.
#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct UpdateOptions {
  std::vector<std::string> ids;
  int64_t cpu_period = 0, cpu_quota = 0, cpu_shares = 0, memory = 0, oom_score_adj = 0;
  std::string cpuset_cpus, cpuset_mems;
};

int RunUpdate(Verb& verb, const UpdateOptions& options) {
  ::runtime::v1::UpdateContainerResourcesRequest request;
  auto* resources = request.mutable_linux();
  resources->set_cpu_period(options.cpu_period);
  resources->set_cpu_quota(options.cpu_quota);
  resources->set_cpu_shares(options.cpu_shares);
  resources->set_memory_limit_in_bytes(options.memory);
  resources->set_oom_score_adj(options.oom_score_adj);
  resources->set_cpuset_cpus(options.cpuset_cpus);
  resources->set_cpuset_mems(options.cpuset_mems);
  for (const std::string& id : options.ids) {
    request.set_container_id(id);
    ::runtime::v1::UpdateContainerResourcesResponse response;
    auto ctx = verb.client->Context();
    grpc::Status s = verb.client->runtime().UpdateContainerResources(ctx.get(), request, &response);
    if (!s.ok()) return ReportRpcError(verb, "updating container resources for \"" + id + "\"", s);
    std::cout << id << std::endl;
  }
  return 0;
}

}  // namespace

void AddUpdateCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<UpdateOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "update", "Update one or more running containers",
                          "table", {}, [options](Verb& verb) { return RunUpdate(verb, *options); });
  cmd->add_option("container-id", options->ids, "CONTAINER-ID [CONTAINER-ID...]")->required();
  cmd->add_option("--cpu-period", options->cpu_period,
                  "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default");
  cmd->add_option("--cpu-quota", options->cpu_quota,
                  "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period");
  cmd->add_option("--cpu-share", options->cpu_shares,
                  "CPU shares (relative weight vs. other containers)");
  cmd->add_option("--memory", options->memory, "Memory limit (in bytes)");
  cmd->add_option("--cpuset-cpus", options->cpuset_cpus, "CPU(s) to use");
  cmd->add_option("--cpuset-mems", options->cpuset_mems, "Memory node(s) to use");
  cmd->add_option("--oom-score-adj", options->oom_score_adj, "OOM Killer score to use");
}

}  // namespace cria::criactl

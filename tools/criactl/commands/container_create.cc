// criactl create: create a container in a pod from config files (crictl create). The
// image is pulled first when the runtime does not have it (--with-pull: always,
// --no-pull: never).
#include <iostream>

#include "tools/criactl/client/config_file.h"
#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct CreateOptions {
  std::string pod_id;
  std::string container_config;
  std::string pod_config;
  CreateFlags flags;
};

int RunCreate(Verb& verb, CreateOptions& options) {
  Result<::runtime::v1::PodSandboxConfig> pod = LoadPodSandboxConfig(options.pod_config);
  if (!pod.ok()) return ReportError(verb, "creating container: " + MessageOf(pod.status()));
  std::string id;
  int rc = CreateFromFiles(verb, options.pod_id, options.container_config, *pod, options.flags,
                           PullPolicy::kIfMissing, &id);
  if (rc != 0) return rc;
  std::cout << id << std::endl;
  return 0;
}

}  // namespace

void AddCreateCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<CreateOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "create", "Create a new container", "table", {},
                          [options](Verb& verb) { return RunCreate(verb, *options); });
  cmd->add_option("pod-id", options->pod_id, "POD: the pod to create the container in")->required();
  cmd->add_option("container-config", options->container_config,
                  "container-config.[json|yaml]: the CRI ContainerConfig")
      ->required();
  cmd->add_option("pod-config", options->pod_config,
                  "pod-config.[json|yaml]: the pod's PodSandboxConfig")
      ->required();
  AddCreateFlags(cmd, options->flags);
}

}  // namespace cria::criactl

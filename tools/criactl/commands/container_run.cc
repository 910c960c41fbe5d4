// criactl run: a pod and a container in it from two config files, started (crictl run):
// RunPodSandbox, pull, CreateContainer, StartContainer; prints the container id.
#include "tools/criactl/client/config_file.h"
#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct RunOptions {
  std::string container_config;
  std::string pod_config;
  std::string handler;
  CreateFlags flags;
};

int RunRun(Verb& verb, RunOptions& options) {
  Result<::runtime::v1::PodSandboxConfig> pod = LoadPodSandboxConfig(options.pod_config);
  if (!pod.ok()) {
    return ReportError(verb,
                       "running container: load podSandboxConfig: " + MessageOf(pod.status()));
  }
  std::string pod_id;
  // As crictl: -T is for the container's creation, not the pod's.
  grpc::Status s = RunPod(verb, *pod, options.handler, std::chrono::milliseconds(0), &pod_id);
  if (!s.ok()) return ReportRpcError(verb, "running container: run pod sandbox", s);
  std::string id;
  int rc = CreateFromFiles(verb, pod_id, options.container_config, *pod, options.flags,
                           PullPolicy::kAlways, &id);
  if (rc != 0) return rc;
  s = StartContainer(verb, id);  // prints the id
  if (!s.ok())
    return ReportRpcError(verb, "running container: starting the container \"" + id + "\"", s);
  return 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "run", "Run a new container inside a sandbox", "table",
                          {}, [options](Verb& verb) { return RunRun(verb, *options); });
  cmd->add_option("container-config", options->container_config,
                  "container-config.[json|yaml]: the CRI ContainerConfig")
      ->required();
  cmd->add_option("pod-config", options->pod_config,
                  "pod-config.[json|yaml]: the CRI PodSandboxConfig")
      ->required();
  cmd->add_option("-r,--runtime", options->handler,
                  "Runtime handler to use. Available options are defined by the container "
                  "runtime.");
  AddCreateFlags(cmd, options->flags);
}

}  // namespace cria::criactl

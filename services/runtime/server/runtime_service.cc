#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {

RuntimeService::RuntimeService(const config::Config& config,
                               const clients::Dependencies& dependencies, pods::PodManager& pods,
                               containers::ContainerManager& containers)
    : config_(config), dependencies_(dependencies), pods_(pods), containers_(containers) {
  ServeOnly("runtime.v1.RuntimeService",
            {"Status", "RuntimeConfig", "RunPodSandbox", "StopPodSandbox", "RemovePodSandbox",
             "UpdatePodSandboxResources", "PodSandboxStatus", "ListPodSandbox", "CreateContainer",
             "StartContainer", "StopContainer", "RemoveContainer", "ContainerStatus",
             "ListContainers", "ExecSync", "UpdateContainerResources", "ReopenContainerLog"});
}

RuntimeService::~RuntimeService() { workers_.join(); }

}  // namespace cria::runtime

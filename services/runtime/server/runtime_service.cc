#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {

RuntimeService::RuntimeService(const config::Config& config,
                               const clients::Dependencies& dependencies, pods::PodManager& pods)
    : config_(config), dependencies_(dependencies), pods_(pods) {
  ServeOnly("runtime.v1.RuntimeService",
            {"Status", "RuntimeConfig", "RunPodSandbox", "StopPodSandbox", "RemovePodSandbox",
             "PodSandboxStatus", "ListPodSandbox"});
}

RuntimeService::~RuntimeService() { workers_.join(); }

}  // namespace cria::runtime

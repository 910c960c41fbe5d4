#include "services/runtime/server/runtime_service.h"

namespace cria::runtime {

RuntimeService::RuntimeService(const config::Config& config,
                               const clients::Dependencies& dependencies)
    : config_(config), dependencies_(dependencies) {
  ServeOnly("runtime.v1.RuntimeService", {"Status", "RuntimeConfig"});
}

}  // namespace cria::runtime

#include "services/gateway/server/cri_service.h"

namespace cria::gateway {

CriService::CriService(const config::Config& config, Backends& backends)
    : config_(config),
      backends_(backends),
      runtime_(::runtime::v1::RuntimeService::NewStub(backends.runtime.channel())),
      network_(network::v1::Network::NewStub(backends.network.channel())) {
  ServeOnly("runtime.v1.RuntimeService", {"Version", "Status", "UpdateRuntimeConfig"});
}

}  // namespace cria::gateway

// Registry clients per endpoint. HTTPS always, except where plain HTTP is allowed
// (loopback and insecure registries): there, as Docker does, HTTPS is tried first and
// HTTP used when the endpoint does not speak TLS. The answer is remembered per host.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "libs/status/status.h"
#include "services/image/pull/registry_hosts.h"
#include "services/image/registry/registry_client.h"

namespace cria::image::pull {

class EndpointClients {
 public:
  explicit EndpointClients(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  std::unique_ptr<registry::RegistryClient> ClientFor(
      const Endpoint& endpoint, const std::optional<registry::Credentials>& credentials);

 private:
  std::string SchemeFor(const Endpoint& endpoint);

  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::map<std::string, std::string> schemes_;  // host → "https" / "http"
};

}  // namespace cria::image::pull

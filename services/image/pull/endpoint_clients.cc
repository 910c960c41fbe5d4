#include "services/image/pull/endpoint_clients.h"

#include "libs/log/log.h"

namespace cria::image::pull {

std::string EndpointClients::SchemeFor(const Endpoint& endpoint) {
  if (!endpoint.allow_http) return "https";
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = schemes_.find(endpoint.host);
    if (it != schemes_.end()) return it->second;
  }
  registry::http::Options options{timeout_, endpoint.tls};
  registry::http::Request probe;
  probe.url = "https://" + endpoint.host + "/v2/";
  std::string scheme;
  if (registry::http::Perform(probe, options, "probe " + probe.url).ok()) {
    scheme = "https";
  } else {
    probe.url = "http://" + endpoint.host + "/v2/";
    auto plain = registry::http::Perform(probe, options, "probe " + probe.url);
    // A registry answers /v2/ with 200, or 401 when it wants credentials.
    if (plain.ok() && (plain->status == 200 || plain->status == 401)) scheme = "http";
  }
  if (scheme.empty()) return "https";  // unreachable now: let the real request say why
  log::Info("registry endpoint", {{"host", endpoint.host}, {"scheme", scheme}});
  std::lock_guard<std::mutex> lock(mu_);
  schemes_[endpoint.host] = scheme;
  return scheme;
}

std::unique_ptr<registry::RegistryClient> EndpointClients::ClientFor(
    const Endpoint& endpoint, const std::optional<registry::Credentials>& credentials) {
  registry::RegistryClientOptions options;
  options.scheme = SchemeFor(endpoint);
  options.timeout = timeout_;
  options.credentials = credentials;
  options.tls = endpoint.tls;
  return std::make_unique<registry::RegistryClient>(std::move(options));
}

}  // namespace cria::image::pull

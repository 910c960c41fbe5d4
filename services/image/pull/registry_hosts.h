// Where and how to reach a registry, from the image section of the configuration: its
// mirrors (tried first, in order), plain HTTP for loopback and insecure registries, the
// TLS files of certs_dir (Docker's certs.d layout) and credentials from auth_file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "libs/status/status.h"
#include "services/image/reference/reference.h"
#include "services/image/registry/auth.h"
#include "services/image/registry/http.h"

namespace cria::image::pull {

struct Endpoint {
  std::string host;         // "mirror.example:5000"; "docker.io" means Docker Hub
  std::string path_prefix;  // a mirror's path ("dockerhub" of "mirror.example/dockerhub")
  bool mirror = false;
  bool allow_http = false;  // loopback or configured insecure: plain HTTP may be used
  registry::http::Tls tls;

  // `ref` as served by this endpoint (same repository, tag and digest).
  reference::Reference Rewrite(const reference::Reference& ref) const;
};

class RegistryHosts {
 public:
  explicit RegistryHosts(const config::ImageSection& config);

  // The mirrors of `registry` in the configured order, then the registry itself.
  std::vector<Endpoint> EndpointsFor(const std::string& registry) const;

  // Credentials for `registry` from auth_file (re-read at each call, so an operator's
  // edit applies to the next pull); nullopt when there are none. An unreadable or
  // malformed file is an error naming the file, never its content.
  Result<std::optional<registry::Credentials>> CredentialsFor(const std::string& registry) const;

  const std::vector<std::string>& search_registries() const { return search_; }
  const std::map<std::string, std::string>& aliases() const { return aliases_; }

 private:
  Endpoint MakeEndpoint(const std::string& location, bool mirror) const;

  std::vector<std::string> search_;
  std::map<std::string, std::string> aliases_;
  std::map<std::string, std::vector<std::string>> mirrors_;  // registry → mirror locations
  std::set<std::string> insecure_;
  std::string certs_dir_;
  std::string auth_file_;
};

// Whether `host` ("127.0.0.1:5000", "[::1]:5000", "localhost") is a loopback address.
bool IsLoopbackHost(const std::string& host);

}  // namespace cria::image::pull

// Registry authentication: HTTP Basic and the Docker/OCI bearer-token challenge flow
// (https://distribution.github.io/distribution/spec/auth/token/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "libs/status/status.h"
#include "services/image/registry/http.h"

namespace cria::image::registry {

struct Credentials {
  std::string username;
  std::string password;
  // An OAuth2 refresh token (Docker's "identitytoken"): exchanged at the token realm for
  // an access token (POST grant_type=refresh_token) instead of Basic username/password.
  std::string identity_token;
  // A bearer token sent to the registry as it is, with no challenge flow.
  std::string registry_token;
};

// A parsed `WWW-Authenticate` challenge: scheme ("bearer" / "basic", lowercased) and the
// realm, service and scope parameters (empty when absent).
struct Challenge {
  std::string scheme;
  std::string realm;
  std::string service;
  std::string scope;
};

// Parses the first challenge of a `WWW-Authenticate` header value. InvalidArgument when
// it cannot be parsed.
Result<Challenge> ParseChallenge(std::string_view header);

// Credentials from Docker's "auth" field: base64("username:password"). InvalidArgument
// (never quoting the value) when it is not that.
Result<Credentials> DecodeBasicAuth(std::string_view base64);

// "Authorization: Basic base64(username:password)".
std::string BasicAuthHeader(const Credentials& credentials);

// Gets a token from `challenge.realm` for `scope` (the challenge's own scope when empty):
// GET realm?service=...&scope=..., with Basic auth when `credentials` are given, or with
// an identity token POST realm (grant_type=refresh_token, service, scope, client_id,
// refresh_token, form-encoded); reads {"token"} or {"access_token"}. Errors never contain the
// credentials: 401 → Unauthenticated, 403 → PermissionDenied, others → Unavailable.
Result<std::string> FetchBearerToken(const Challenge& challenge, const std::string& scope,
                                     const std::optional<Credentials>& credentials,
                                     const http::Options& options, const std::string& what);

}  // namespace cria::image::registry

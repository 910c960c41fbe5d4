#include "services/image/server/pull_request.h"

namespace cria::image::server {
namespace {

// Both auth messages have the same fields.
template <typename Auth>
Result<std::optional<registry::Credentials>> CredentialsOf(const Auth& auth) {
  registry::Credentials c;
  if (!auth.registry_token().empty()) {
    c.registry_token = auth.registry_token();
  } else if (!auth.identity_token().empty()) {
    c.identity_token = auth.identity_token();
  } else if (!auth.username().empty()) {
    c.username = auth.username();
    c.password = auth.password();
  } else if (!auth.auth().empty()) {
    CRIA_ASSIGN_OR_RETURN(c, registry::DecodeBasicAuth(auth.auth()), "pull credentials");
  } else {
    return std::optional<registry::Credentials>();
  }
  return std::optional<registry::Credentials>(c);
}

}  // namespace

Result<pull::PullSpec> SpecFromCri(const runtime::v1::PullImageRequest& request) {
  pull::PullSpec spec;
  spec.image = request.image().image();
  if (spec.image.empty()) return Status(StatusCode::kInvalidArgument, "PullImage: no image given");
  if (request.has_auth()) {
    CRIA_ASSIGN_OR_RETURN(spec.credentials, CredentialsOf(request.auth()), "");
  }
  return spec;
}

Result<pull::PullSpec> SpecFromPull(const v1::PullRequest& request) {
  pull::PullSpec spec;
  spec.image = request.image();
  if (spec.image.empty()) return Status(StatusCode::kInvalidArgument, "Pull: no image given");
  if (request.has_auth()) {
    CRIA_ASSIGN_OR_RETURN(spec.credentials, CredentialsOf(request.auth()), "");
  }
  return spec;
}

}  // namespace cria::image::server

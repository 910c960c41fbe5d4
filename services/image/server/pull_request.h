// Pull requests as they arrive (CRI PullImageRequest, cria.image.v1.PullRequest) turned
// into a pull::PullSpec: the credentials of AuthConfig, in the order the kubelet's
// fields take precedence (a registry token, an identity token, username/password, the
// base64 "auth").
#pragma once

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "libs/status/status.h"
#include "services/image/pull/puller.h"

namespace cria::image::server {

Result<pull::PullSpec> SpecFromCri(const runtime::v1::PullImageRequest& request);
Result<pull::PullSpec> SpecFromPull(const v1::PullRequest& request);

}  // namespace cria::image::server

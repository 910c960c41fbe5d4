// The environment of a container's process.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::runtime::spec {

inline constexpr char kDefaultPath[] =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Sets NAME=value in `env`: replaces the first variable of that name in place, or appends.
void SetEnv(std::vector<std::string>* env, const std::string& assignment);

// The environment, each layer overriding the one before by name, order kept:
//   PATH (the default above), HOSTNAME=`hostname`, TERM=xterm when `tty` (as CRI-O),
//   then the node's `defaults` (runtime.default_env, NAME=value each, as CRI-O's
//   default_env), then the image's Env, then the CRI envs.
// InvalidArgument for a CRI env with an empty name or a name containing '='.
Result<std::vector<std::string>> BuildEnv(
    const google::protobuf::RepeatedPtrField<std::string>& image_env,
    const google::protobuf::RepeatedPtrField<::runtime::v1::KeyValue>& cri_envs,
    const std::string& hostname, bool tty, const std::vector<std::string>& defaults = {});

}  // namespace cria::runtime::spec

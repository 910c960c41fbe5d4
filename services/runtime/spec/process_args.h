// The command line and working directory of a container's process, from the CRI request
// and the image config, as Kubernetes defines them.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "libs/status/status.h"

namespace cria::runtime::spec {

// Kubernetes' command/args rules (the Pod's command is the CRI command, args the CRI args):
//   command and args  → command + args
//   command only      → command (the image's CMD is dropped)
//   args only         → image ENTRYPOINT + args
//   neither           → image ENTRYPOINT + image CMD
// InvalidArgument naming the image when the result is empty.
Result<std::vector<std::string>> ProcessArgs(const ::runtime::v1::ContainerConfig& config,
                                             const ::cria::image::v1::ImageConfig& image,
                                             const std::string& image_name);

// The CRI working_dir, else the image's WorkingDir, else "/". InvalidArgument if the
// chosen one is not absolute (runc refuses a relative cwd).
Result<std::string> ProcessCwd(const ::runtime::v1::ContainerConfig& config,
                               const ::cria::image::v1::ImageConfig& image);

}  // namespace cria::runtime::spec

#include "services/runtime/spec/process_args.h"

namespace cria::runtime::spec {

Result<std::vector<std::string>> ProcessArgs(const ::runtime::v1::ContainerConfig& config,
                                             const ::cria::image::v1::ImageConfig& image,
                                             const std::string& image_name) {
  std::vector<std::string> args;
  if (!config.command().empty()) {
    args.assign(config.command().begin(), config.command().end());
  } else {
    args.assign(image.entrypoint().begin(), image.entrypoint().end());
  }
  if (!config.args().empty()) {
    args.insert(args.end(), config.args().begin(), config.args().end());
  } else if (config.command().empty()) {
    args.insert(args.end(), image.cmd().begin(), image.cmd().end());
  }
  if (args.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "no command to run: the container config sets neither command nor args and "
                  "image " +
                      (image_name.empty() ? std::string("(unnamed)") : image_name) +
                      " has neither ENTRYPOINT nor CMD");
  }
  return args;
}

Result<std::string> ProcessCwd(const ::runtime::v1::ContainerConfig& config,
                               const ::cria::image::v1::ImageConfig& image) {
  std::string cwd = "/";
  const char* from = "default";
  if (!config.working_dir().empty()) {
    cwd = config.working_dir();
    from = "working_dir";
  } else if (!image.working_dir().empty()) {
    cwd = image.working_dir();
    from = "the image's WorkingDir";
  }
  if (cwd.front() != '/') {
    return Status(StatusCode::kInvalidArgument,
                  std::string(from) + " \"" + cwd + "\" is not an absolute path");
  }
  return cwd;
}

}  // namespace cria::runtime::spec

#include "services/runtime/oci/runtime_binary.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "libs/process/process.h"

namespace cria::runtime::oci {
namespace {

// `name_or_path` in PATH, or, when it holds a '/', the file itself, which must be an
// executable regular file (process::FindExecutable takes a path as it is).
Result<std::string> FindExecutableFile(const std::string& name_or_path) {
  if (name_or_path.find('/') == std::string::npos) return process::FindExecutable(name_or_path);
  struct stat st {};
  if (::stat(name_or_path.c_str(), &st) != 0) return ErrnoStatus(errno, name_or_path);
  if (!S_ISREG(st.st_mode)) {
    return Status(StatusCode::kNotFound, name_or_path + " is not a regular file");
  }
  if (::access(name_or_path.c_str(), X_OK) != 0) return ErrnoStatus(errno, name_or_path);
  return name_or_path;
}

}  // namespace

Result<std::string> FindRuntimeBinary(const std::string& name_or_path) {
  Result<std::string> found = FindExecutableFile(name_or_path);
  if (!found.ok()) {
    return Annotate(found.status(), "OCI runtime \"" + name_or_path + "\"");
  }
  return found;
}

Result<std::string> FindHelperBinary(const std::string& name_or_path) {
  Result<std::string> found = FindExecutableFile(name_or_path);
  if (found.ok() || name_or_path.find('/') != std::string::npos) {
    return found.ok() ? found : Annotate(found.status(), "helper \"" + name_or_path + "\"");
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  for (const auto& dir : {self.parent_path(), self.parent_path() / "../../tools" / name_or_path}) {
    if (::access((dir / name_or_path).c_str(), X_OK) == 0) return (dir / name_or_path).string();
  }
  return Status(StatusCode::kNotFound,
                "helper \"" + name_or_path + "\" is neither in PATH nor beside " + self.string());
}

}  // namespace cria::runtime::oci

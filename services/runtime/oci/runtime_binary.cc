#include "services/runtime/oci/runtime_binary.h"

#include <cstdlib>

#include "libs/process/process.h"

namespace cria::runtime::oci {

Result<std::string> FindRuntimeBinary(const std::string& name_or_path) {
  Result<std::string> found = process::FindExecutable(name_or_path);
  if (!found.ok()) {
    return Annotate(found.status(), "OCI runtime \"" + name_or_path + "\"");
  }
  return found;
}

}  // namespace cria::runtime::oci

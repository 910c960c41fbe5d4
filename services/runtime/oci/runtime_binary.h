// Finding the OCI runtime binary (runc, crun, or a path) a runtime handler names.
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::runtime::oci {

// `name_or_path` as given in runtime.default_runtime: an absolute path must be an
// executable file; a bare name is looked up in PATH. NotFound names what was searched.
Result<std::string> FindRuntimeBinary(const std::string& name_or_path);

}  // namespace cria::runtime::oci

// Finding the OCI runtime binary (runc, crun, or a path) a runtime handler names, and the
// helper binaries cria-runtime runs (conmon, cria-pinns, cria-pause).
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::runtime::oci {

// `name_or_path` as given in runtime.default_runtime: an absolute path must be an
// executable file; a bare name is looked up in PATH. NotFound names what was searched.
Result<std::string> FindRuntimeBinary(const std::string& name_or_path);

// A helper binary as the runtime section names it: an absolute path must be an executable
// file; a bare name is looked up in PATH, then beside cria-runtime (an install into one
// directory, or the build tree: <bin>/tools/<name>/<name>). NotFound naming it.
Result<std::string> FindHelperBinary(const std::string& name_or_path);

}  // namespace cria::runtime::oci

// The process an exec runs: the container's own process from its config.json (user and
// groups, capabilities, no_new_privs, env, cwd, rlimits, AppArmor/SELinux labels) with
// other args, as CRI-O and containerd hand it to `<runtime> exec --process`. Without it
// runc would derive the same from the container but crun would run the command as root.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::oci {

// The "process" object of `config_json` with "args" replaced by `argv`, no terminal and
// no console size, as compact JSON. InvalidArgument when config_json has no process.
Result<std::string> ExecProcessJson(std::string_view config_json,
                                    const std::vector<std::string>& argv);

}  // namespace cria::runtime::oci

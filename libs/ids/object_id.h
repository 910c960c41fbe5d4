// Ids of pods and containers become file names, mount points and CNI container ids:
// 1 to 128 of [A-Za-z0-9_.-], not starting with '.'. One rule for every daemon.
#pragma once

#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria {

// InvalidArgument naming `what` ("pod id", "container id") and the id otherwise.
Status ValidateObjectId(std::string_view what, const std::string& id);

}  // namespace cria

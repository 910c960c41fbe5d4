// Linux capability names, as the OCI runtime spec writes them ("CAP_CHOWN"). Shared by the
// spec generator and the config loader, which checks runtime.default_capabilities at start.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::caps {

// Every capability cria knows, "CAP_CHOWN" (0) to "CAP_CHECKPOINT_RESTORE" (40), in number
// order.
const std::vector<std::string>& KnownCapabilities();

// "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN" → "CAP_NET_ADMIN". InvalidArgument naming the
// capability if cria does not know it.
Result<std::string> NormalizeCapability(std::string_view name);

}  // namespace cria::caps

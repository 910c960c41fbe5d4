// CDI container edits (services/runtime/cdi) applied to a generated container spec.
#pragma once

#include <vector>

#include "libs/status/status.h"
#include "services/runtime/cdi/cdi_spec.h"
#include "services/runtime/spec/host_lookup.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// Applies `edits` in order, as the CDI library does: an env entry replaces the variable of
// its name or is appended; a device node replaces one at the same path and takes the host
// node's type, numbers, mode and owner where the edit leaves them out (from its hostPath,
// else its path), and a block or character node is allowed in the device cgroup with its
// permissions (rwm when none); a mount replaces one at the same destination, and the mounts
// are then ordered by depth (stable), parents first; hooks are appended at their point;
// additional gids are added once. NotFound or InvalidArgument for a device node whose host
// node is missing or of another type than the edit says.
Status ApplyCdiEdits(const std::vector<cdi::ContainerEdits>& edits, const HostLookup& host,
                     Spec* spec);

}  // namespace cria::runtime::spec

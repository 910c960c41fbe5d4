// Finding the CDI devices a container asks for in the spec files of the CDI directories.
// The files are read at each CreateContainer that asks for a device (they are few and
// small, and vendors' tools rewrite them at any time), never otherwise.
#pragma once

#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/cdi/cdi_spec.h"

namespace cria::runtime::cdi {

// The CDI devices a container asks for: ContainerConfig.cdi_devices, then the values of its
// `cdi.k8s.io/` annotations (comma-separated qualified names, as device plugins set them),
// each once, in that order.
std::vector<std::string> RequestedDevices(const ::runtime::v1::ContainerConfig& config);

// The edits that give a container `names`, in the order they apply: each device's own, then
// those of each spec file the devices come from, once (as the CDI library applies them).
// The spec files are *.json, *.yaml and *.yml directly in `dirs`; a device in a later
// directory replaces one of the same name in an earlier one (/var/run/cdi over /etc/cdi).
// InvalidArgument for a name that is not vendor.com/class=name; FailedPrecondition for a
// device no valid spec file provides (naming the files that failed to load and why), one
// that two files of one directory provide, or one whose edits need what cria does not
// write (intelRdt, netDevices).
Result<std::vector<ContainerEdits>> Resolve(const std::vector<std::string>& dirs,
                                            const std::vector<std::string>& names);

}  // namespace cria::runtime::cdi

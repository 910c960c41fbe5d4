// Linux capability names and the process capability sets of a container.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/capabilities/capability_names.h"
#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// The names themselves live in libs/capabilities, which the config loader checks with.
using caps::KnownCapabilities;
using caps::NormalizeCapability;

// The default set of an unprivileged container (DESIGN.md §10): CHOWN, DAC_OVERRIDE,
// FSETID, FOWNER, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, KILL.
std::vector<std::string> DefaultCapabilities();

// Each of `names` normalized (NormalizeCapability), without repeats, in number order: the
// operator's runtime.default_capabilities as the spec writes them.
Result<std::vector<std::string>> NormalizeCapabilities(const std::vector<std::string>& names);

// The known capabilities whose bits are set in `mask` (CapBnd of /proc/self/status).
std::vector<std::string> CapabilitiesFromMask(uint64_t mask);

// The capability sets of a container's process, as containerd computes them:
//  - privileged: every capability in `host_caps` in bounding, effective and permitted;
//  - otherwise `defaults` (limited to `host_caps`), then "ALL" in add → every host
//    capability, "ALL" in drop → none, then the other adds, then the other drops;
//  - add_ambient_capabilities go into every set including inheritable and ambient (the
//    kernel keeps an ambient capability only if it is also inheritable);
//  - inheritable is otherwise empty (as containerd since CVE-2022-24769).
// InvalidArgument for an unknown name; FailedPrecondition for an added capability the
// host does not hold.
Result<Capabilities> BuildCapabilities(const ::runtime::v1::Capability& requested, bool privileged,
                                       const std::vector<std::string>& defaults,
                                       const std::vector<std::string>& host_caps);

}  // namespace cria::runtime::spec

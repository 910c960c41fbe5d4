// cria's RuntimeDefault seccomp profile, in the Docker format (seccomp_profile.h resolves it
// for one container). Modelled on the default profiles of moby and containerd: everything
// not allowed fails with EPERM; the allow list is the system calls ordinary programs need;
// calls that administer the system (mount, namespaces, modules, clock, reboot, keyrings,
// bpf, ...) are allowed only when the container holds the capability they need anyway.
// Without CAP_SYS_ADMIN: unshare and setns are refused, clone only without namespace
// flags, and clone3 fails with ENOSYS so that the C library falls back to clone.
#pragma once

#include <string>

namespace cria::runtime::spec {

// The profile as JSON text (the same on every call).
const std::string& BuiltinSeccompProfileJson();

}  // namespace cria::runtime::spec

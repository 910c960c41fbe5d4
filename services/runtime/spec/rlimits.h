// Process resource limits every container starts with: runtime.default_ulimits, written as
// CRI-O's default_ulimits and Docker's --ulimit ("nofile=1024:4096").
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// "name=soft:hard", or "name=limit" for both; name one of core, cpu, data, fsize, locks,
// memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack; a limit
// a number, or -1 or "unlimited". InvalidArgument naming the item when it is none of that,
// names a limit twice, or has soft above hard.
Result<std::vector<Rlimit>> ParseUlimits(const std::vector<std::string>& items);

// A hard limit above cria-runtime's own cannot be set by the OCI runtime it starts
// without CAP_SYS_RESOURCE (`can_raise`): every container would fail to start. Such a
// limit is FailedPrecondition naming it and the runtime's own.
Status CheckRaisable(const std::vector<Rlimit>& rlimits, bool can_raise);

}  // namespace cria::runtime::spec

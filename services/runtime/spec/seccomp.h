// Which seccomp filter a container (or pod) runs under, from the CRI security profile.
#pragma once

#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// Localhost profile files larger than this are refused.
inline constexpr size_t kMaxSeccompProfileBytes = 1 << 20;

struct SeccompChoice {
  enum class Kind { kUnconfined, kRuntimeDefault, kLocalhost };
  Kind kind = Kind::kUnconfined;
  std::string path;  // kLocalhost: the profile file on the node
};

// The `seccomp` field when set (`has_seccomp`), else the deprecated string:
// "" and "unconfined" → Unconfined (as containerd with no default configured);
// "runtime/default" and "docker/default" → RuntimeDefault; "localhost/<path>" → Localhost.
// InvalidArgument for any other string, or a Localhost profile whose path is not absolute.
Result<SeccompChoice> ChooseSeccomp(bool has_seccomp, const ::runtime::v1::SecurityProfile& seccomp,
                                    const std::string& deprecated_path);

// linux.seccomp (compact JSON) for `choice`, or "" for none. Privileged containers and
// Unconfined get none. RuntimeDefault is host.default_seccomp_profile, else the built-in
// profile (seccomp_default.h), and Localhost the file at choice.path, each resolved for
// `capabilities` (their bounding set), the native architecture and the host kernel. NotFound naming
// the file when it is missing; FailedPrecondition when the host has no seccomp.
Result<std::string> SeccompJson(const SeccompChoice& choice, bool privileged,
                                const Capabilities& capabilities, const HostFacts& host);

// The profile at `path` (runtime.seccomp_profile, CRI-O's seccomp_profile) as
// HostFacts::default_seccomp_profile: read and checked once, at start. NotFound naming a
// missing file; InvalidArgument naming one that is no profile.
Result<std::string> LoadDefaultSeccompProfile(const std::string& path);

}  // namespace cria::runtime::spec

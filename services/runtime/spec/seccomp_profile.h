// Turning a seccomp profile file into the linux.seccomp object of one container.
//
// Two formats are read, as containerd and CRI-O read Localhost profiles:
//  - the OCI format (linux.seccomp as is: defaultAction, architectures, syscalls), copied;
//  - the Docker format, which adds "archMap" (architectures per native architecture) and,
//    per syscall rule, "includes"/"excludes" conditions on capabilities, architectures and
//    a minimum kernel ("minKernel": "4.8"), plus the old singular "name". These are
//    resolved for the container here and removed, so that runc and crun see only OCI
//    fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::spec {

struct SeccompTarget {
  // The container's capabilities (bounding set, "CAP_" names).
  std::vector<std::string> capabilities;
  // Go-style architecture name of the host, as Docker-format "arches" use: "amd64",
  // "arm64", "ppc64le", "s390x", "riscv64"...
  std::string arch;
  // 0.0: every minKernel condition holds.
  int kernel_major = 0;
  int kernel_minor = 0;
};

// The Go-style name of the architecture cria was built for.
const char* NativeArch();

// The libseccomp architectures a native-`arch` container runs code of:
// amd64 → SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32; arm64 → SCMP_ARCH_AARCH64,
// SCMP_ARCH_ARM; others → their own one.
std::vector<std::string> SeccompArchitectures(const std::string& arch);

// Compact JSON of linux.seccomp for `target`, from a profile in either format.
// InvalidArgument naming what is wrong: not a JSON object, no defaultAction, a syscall rule
// without names or action, a malformed condition.
Result<std::string> RenderSeccompProfile(std::string_view profile_json,
                                         const SeccompTarget& target);

}  // namespace cria::runtime::spec

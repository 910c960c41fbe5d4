// AppArmor profiles and SELinux labels: passed through to the OCI runtime where the host
// has the module, refused clearly where one is asked for and the host lacks it.
#pragma once

#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"

namespace cria::runtime::spec {

// process.apparmorProfile ("" for none), from the `apparmor` field when set
// (`has_apparmor`), else the deprecated string ("runtime/default", "unconfined",
// "localhost/<name>"; "" means RuntimeDefault).
//  - Unconfined: none.
//  - RuntimeDefault: host.apparmor_default_profile; none for privileged containers or when
//    the host has no AppArmor (as containerd).
//  - Localhost: the named profile, privileged or not; FailedPrecondition when the host has
//    no AppArmor, InvalidArgument when the name is empty.
Result<std::string> AppArmorProfile(bool has_apparmor,
                                    const ::runtime::v1::SecurityProfile& apparmor,
                                    const std::string& deprecated, bool privileged,
                                    const HostFacts& host);

struct SelinuxLabels {
  std::string process;  // process.selinuxLabel
  std::string mount;    // linux.mountLabel
};

// Labels from `options` (the container's, or the pod's when the container sets none): the
// process gets user:role:type:level with the unset parts defaulted to system_u, system_r,
// container_t (and no level), mounts get user:object_r:container_file_t:level. No options:
// no labels (the OCI runtime's default). Options on a host without SELinux:
// FailedPrecondition.
Result<SelinuxLabels> SelinuxLabelsFor(const ::runtime::v1::SELinuxOption& options,
                                       const HostFacts& host);

}  // namespace cria::runtime::spec

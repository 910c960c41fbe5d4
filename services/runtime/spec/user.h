// The uid, gid and supplementary groups a container's process runs with, from the CRI
// security context or else the image's USER, with names looked up in the container's own
// /etc/passwd and /etc/group (read with rootfs_file.h, never outside the rootfs).
#pragma once

#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// /etc/passwd and /etc/group larger than this are refused.
inline constexpr size_t kMaxAccountFileBytes = 4 << 20;

// Who runs the process:
//  - run_as_username (a name in /etc/passwd) or run_as_user (a uid, looked up for its
//    primary gid, 0 if absent); both at once, or run_as_group without either, is
//    InvalidArgument;
//  - else `image_user`: "", "uid", "uid:gid", "name", "name:group", "uid:group", "name:gid";
//  - run_as_group replaces the primary gid;
//  - additional_gids: the primary gid, then (SupplementalGroupsPolicy Merge, the default)
//    the groups of /etc/group that list the user's name, then the CRI supplemental_groups;
//    with Strict, only the primary gid and the CRI supplemental_groups.
// A name that /etc/passwd or /etc/group does not have is InvalidArgument naming it and
// `image_name`. A missing /etc/passwd or /etc/group counts as empty.
Result<User> ResolveUser(const ::runtime::v1::LinuxContainerSecurityContext& security,
                         const std::string& image_user, const std::string& rootfs,
                         const std::string& image_name);

}  // namespace cria::runtime::spec

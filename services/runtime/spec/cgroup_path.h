// linux.cgroupsPath of a container or pod infra process, in the cgroup driver's syntax.
#pragma once

#include <string>

#include "libs/status/status.h"
#include "services/runtime/cgroups/cgroup_driver.h"

namespace cria::runtime::spec {

// cgroupfs: "<parent>/cria-<id>" (parent absolute; "" means "/cria").
// systemd:  "<parent>:cria:<id>" (parent a slice name such as
//           "kubepods-burstable-pod1234.slice"; "" means "system.slice"); runc and crun
//           make the transient scope cria-<id>.scope in that slice.
// InvalidArgument when the parent does not fit the driver (a slice name with cgroupfs, a
// path with systemd).
Result<std::string> CgroupsPath(const std::string& parent, cgroups::Driver driver,
                                const std::string& id);

// The directory a cgroupsPath of either syntax names, relative to a hierarchy's root:
// a cgroupfs path as it is; "<slice>:<prefix>:<name>" as systemd lays it out, the slice
// expanded as runc does ("a-b.slice" -> "/a.slice/a-b.slice") and the scope
// "<prefix>-<name>.scope" in it. InvalidArgument for a slice name systemd would refuse.
Result<std::string> CgroupDirOf(const std::string& cgroups_path);

}  // namespace cria::runtime::spec

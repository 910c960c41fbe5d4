// The cgroup driver cria-runtime uses and reports to the kubelet (CRI RuntimeConfig).
#pragma once

#include <string>

namespace cria::runtime::cgroups {

enum class Driver { kCgroupfs, kSystemd };

// runtime.cgroup_driver: "cgroupfs", "systemd", or "auto" (systemd when the host was
// booted with systemd, i.e. /run/systemd/system exists, else cgroupfs).
Driver ResolveDriver(const std::string& configured);
const char* DriverName(Driver driver);

}  // namespace cria::runtime::cgroups

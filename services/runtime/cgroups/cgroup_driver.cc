#include "services/runtime/cgroups/cgroup_driver.h"

#include <sys/stat.h>

namespace cria::runtime::cgroups {

Driver ResolveDriver(const std::string& configured) {
  if (configured == "systemd") return Driver::kSystemd;
  if (configured == "cgroupfs") return Driver::kCgroupfs;
  struct stat st;
  // The same test as sd_booted().
  return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode) ? Driver::kSystemd
                                                                       : Driver::kCgroupfs;
}

const char* DriverName(Driver driver) {
  return driver == Driver::kSystemd ? "systemd" : "cgroupfs";
}

}  // namespace cria::runtime::cgroups

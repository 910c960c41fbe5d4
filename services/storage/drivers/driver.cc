#include "services/storage/drivers/driver.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "libs/log/log.h"
#include "services/storage/drivers/drivers_internal.h"

namespace cria::storage::drivers {

Result<std::unique_ptr<Driver>> MakeDriver(const std::string& name, const std::string& scratch) {
  if (name == "overlay") return NewOverlayDriver();
  if (name == "vfs") return NewVfsDriver();
  if (name != "auto") {
    return Status(StatusCode::kInvalidArgument,
                  "storage driver \"" + name + "\" is not overlay, vfs or auto");
  }
  Status probe = ProbeOverlay(scratch);
  if (probe.ok()) return NewOverlayDriver();
  log::Warn("overlay cannot be mounted here; using the vfs driver (full copies)",
            {{"probe", probe}});
  return NewVfsDriver();
}

bool IsMountPoint(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // Field 5 is the mount point (octal escapes for spaces; our paths have none).
    std::istringstream fields(line);
    std::string f1, f2, f3, f4, mount_point;
    fields >> f1 >> f2 >> f3 >> f4 >> mount_point;
    if (mount_point == path) return true;
  }
  return false;
}

}  // namespace cria::storage::drivers

// What the spec generator reads from the host besides the container rootfs: device nodes.
// An interface, so tests can describe devices without creating them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::spec {

struct HostDevice {
  std::string path;  // on the host
  char type = 'c';   // 'c' or 'b'
  int64_t major = 0;
  int64_t minor = 0;
  uint32_t mode = 0;  // permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
};

class HostLookup {
 public:
  virtual ~HostLookup() = default;

  // The device nodes at `path`: the node itself when `path` is a character or block device
  // (symlinks followed), or every device node below it when it is a directory (symlinks not
  // followed; the pts, shm, fd and mqueue directories and /dev/console skipped, as
  // containerd's HostDevices). NotFound if `path` does not exist, InvalidArgument if it is
  // neither a device nor a directory.
  virtual Result<std::vector<HostDevice>> Devices(const std::string& path) const = 0;
};

// The real host.
class SystemHostLookup : public HostLookup {
 public:
  Result<std::vector<HostDevice>> Devices(const std::string& path) const override;
};

}  // namespace cria::runtime::spec

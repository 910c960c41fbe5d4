// How layers and container root filesystems are laid out on disk. Two drivers, one
// interface (STYLE.md: several implementations share one conformance suite):
//   overlay: a layer dir holds only its own changes (overlay whiteouts); a container's
//            rootfs is an overlay mount of its layers with its own upper/work dirs.
//   vfs:     a layer dir holds the whole tree (a copy of its parent, then the layer
//            applied with real deletions); a rootfs is a full copy. For filesystems
//            where overlay cannot run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/storage/layers/apply.h"

namespace cria::storage::drivers {

class Driver {
 public:
  virtual ~Driver() = default;

  virtual const char* Name() const = 0;
  virtual layers::WhiteoutMode Whiteouts() const = 0;

  // Fills a new layer's empty `diff` dir before its blob is applied onto it.
  virtual Status PrepareLayer(const std::string& parent_diff, const std::string& diff) = 0;

  // Makes a container's rootfs in the empty dir `dir` from `lowers`, the layer dirs
  // from the top layer down (empty for an empty rootfs).
  virtual Status CreateRootfs(const std::string& dir, const std::vector<std::string>& lowers) = 0;
  // The rootfs path, mounted; read_only mounts it read-only.
  virtual Result<std::string> Mount(const std::string& dir, const std::vector<std::string>& lowers,
                                    bool read_only) = 0;
  virtual Status Unmount(const std::string& dir) = 0;
  // The path Mount returns, whether or not it is mounted now.
  virtual std::string RootfsPath(const std::string& dir) const = 0;
  // The container's own writable part (for usage): overlay's upper dir, vfs's copy.
  virtual std::string WritablePath(const std::string& dir) const = 0;
};

// "overlay" or "vfs"; "auto" probes an overlay mount under `scratch` (an empty dir on
// the storage filesystem) and picks overlay when it works.
Result<std::unique_ptr<Driver>> MakeDriver(const std::string& name, const std::string& scratch);

// True when `path` is a mount point now.
bool IsMountPoint(const std::string& path);

}  // namespace cria::storage::drivers

// The vfs driver: plain copies, for filesystems where overlay cannot run.
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "libs/process/process.h"
#include "services/storage/drivers/driver.h"
#include "services/storage/drivers/drivers_internal.h"

namespace cria::storage::drivers {
namespace {

// GNU cp keeps modes, owners, times, links, devices and xattrs (-a), and shares extents
// where the filesystem can (--reflink=auto).
Status CopyTree(const std::string& from, const std::string& to) {
  process::Command cmd;
  cmd.argv = {"cp", "-a", "--reflink=auto", "--", from + "/.", to};
  Result<process::Outcome> r = process::Run(cmd);
  if (!r.ok()) return Annotate(r.status(), "copy " + from + " to " + to);
  if (!r->Succeeded()) {
    return Status(StatusCode::kInternal,
                  "copy " + from + " to " + to + ": cp " + r->Describe() + ": " + r->err);
  }
  return OkStatus();
}

class VfsDriver : public Driver {
 public:
  const char* Name() const override { return "vfs"; }
  layers::WhiteoutMode Whiteouts() const override { return layers::WhiteoutMode::kDelete; }

  Status PrepareLayer(const std::string& parent_diff, const std::string& diff) override {
    if (parent_diff.empty()) return OkStatus();
    return CopyTree(parent_diff, diff);
  }

  Status CreateRootfs(const std::string& dir, const std::vector<std::string>& lowers) override {
    std::string rootfs = RootfsPath(dir);
    if (mkdir(rootfs.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "create " + rootfs);
    }
    // A vfs layer holds the whole tree, so the top layer is all there is to copy.
    return lowers.empty() ? OkStatus() : CopyTree(lowers.front(), rootfs);
  }

  Result<std::string> Mount(const std::string& dir, const std::vector<std::string>&,
                            bool read_only) override {
    std::string rootfs = RootfsPath(dir);
    if (!read_only) return rootfs;
    // Read-only: a read-only bind mount of the copy onto itself.
    if (mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return ErrnoStatus(errno, "bind-mount " + rootfs);
    }
    if (mount(nullptr, rootfs.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      Status s = ErrnoStatus(errno, "remount " + rootfs + " read-only");
      umount2(rootfs.c_str(), MNT_DETACH);
      return s;
    }
    return rootfs;
  }

  Status Unmount(const std::string& dir) override {
    std::string rootfs = RootfsPath(dir);
    if (IsMountPoint(rootfs) && umount2(rootfs.c_str(), MNT_DETACH) != 0) {
      return ErrnoStatus(errno, "unmount " + rootfs);
    }
    return OkStatus();
  }

  std::string RootfsPath(const std::string& dir) const override { return dir + "/rootfs"; }
  std::string WritablePath(const std::string& dir) const override { return dir + "/rootfs"; }
};

}  // namespace

std::unique_ptr<Driver> NewVfsDriver() { return std::make_unique<VfsDriver>(); }

}  // namespace cria::storage::drivers

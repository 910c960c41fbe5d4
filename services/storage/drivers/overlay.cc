// The overlay driver.
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "services/storage/drivers/driver.h"
#include "services/storage/drivers/drivers_internal.h"

namespace cria::storage::drivers {
namespace {

class OverlayDriver : public Driver {
 public:
  const char* Name() const override { return "overlay"; }
  layers::WhiteoutMode Whiteouts() const override { return layers::WhiteoutMode::kOverlay; }

  Status PrepareLayer(const std::string&, const std::string&) override { return OkStatus(); }

  Status CreateRootfs(const std::string& dir, const std::vector<std::string>&) override {
    for (const char* sub : {"/upper", "/work", "/merged", "/empty"}) {
      if (mkdir((dir + sub).c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoStatus(errno, "create " + dir + sub);
      }
    }
    return OkStatus();
  }

  Result<std::string> Mount(const std::string& dir, const std::vector<std::string>& lowers,
                            bool read_only) override {
    std::string merged = RootfsPath(dir);
    // An empty rootfs still needs a lower dir: the container's own empty one.
    std::string options = "lowerdir=";
    if (lowers.empty()) {
      options += dir + "/empty";
    } else {
      for (size_t i = 0; i < lowers.size(); ++i) options += (i ? ":" : "") + lowers[i];
    }
    options += ",upperdir=" + dir + "/upper,workdir=" + dir + "/work";
    CRIA_RETURN_IF_ERROR(MountOverlay(merged, options, read_only ? MS_RDONLY : 0),
                         "mount the rootfs " + merged);
    return merged;
  }

  Status Unmount(const std::string& dir) override {
    std::string merged = RootfsPath(dir);
    if (umount2(merged.c_str(), 0) != 0 && errno != EINVAL && errno != ENOENT) {
      if (errno != EBUSY || umount2(merged.c_str(), MNT_DETACH) != 0) {
        return ErrnoStatus(errno, "unmount the rootfs " + merged);
      }
    }
    return OkStatus();
  }

  std::string RootfsPath(const std::string& dir) const override { return dir + "/merged"; }
  std::string WritablePath(const std::string& dir) const override { return dir + "/upper"; }
};

}  // namespace

std::unique_ptr<Driver> NewOverlayDriver() { return std::make_unique<OverlayDriver>(); }

Status MountOverlay(const std::string& target, const std::string& options, unsigned long flags) {
  // One page is the limit of mount options; the store passes short link paths.
  if (options.size() >= 4096) {
    return Status(StatusCode::kInvalidArgument,
                  "overlay mount options are " + std::to_string(options.size()) +
                      " bytes, over the kernel's one-page limit (too many layers)");
  }
  if (mount("overlay", target.c_str(), "overlay", flags, options.c_str()) != 0) {
    return ErrnoStatus(errno, "mount overlay on " + target);
  }
  return OkStatus();
}

Status ProbeOverlay(const std::string& scratch) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* sub : {"/lower", "/upper", "/work", "/merged"}) {
    fs::create_directories(scratch + sub, ec);
  }
  Status s = MountOverlay(
      scratch + "/merged",
      "lowerdir=" + scratch + "/lower,upperdir=" + scratch + "/upper,workdir=" + scratch + "/work",
      0);
  if (s.ok()) umount2((scratch + "/merged").c_str(), MNT_DETACH);
  fs::remove_all(scratch, ec);
  return s;
}

}  // namespace cria::storage::drivers

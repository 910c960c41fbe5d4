#include "services/storage/layers/whiteout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>

#include "services/storage/layers/remove.h"

namespace cria::storage::layers {

Status ApplyWhiteout(int dir_fd, std::string_view base, WhiteoutMode mode,
                     const std::function<bool(const std::string&)>& created_here) {
  if (base == kOpaqueWhiteout) {
    if (mode == WhiteoutMode::kOverlay) {
      if (::fsetxattr(dir_fd, "trusted.overlay.opaque", "y", 1, 0) != 0) {
        return ErrnoStatus(errno, "set xattr trusted.overlay.opaque");
      }
      return OkStatus();
    }
    return Annotate(RemoveChildrenAt(dir_fd, created_here), "remove the hidden children");
  }
  std::string name(base.substr(kWhiteoutPrefix.size()));
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return absl::InvalidArgumentError("whiteout names no entry");
  }
  CRIA_RETURN_IF_ERROR(RemoveAllAt(dir_fd, name), "remove " + name);
  if (mode == WhiteoutMode::kOverlay &&
      ::mknodat(dir_fd, name.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
    return ErrnoStatus(errno, "create whiteout device " + name);
  }
  return OkStatus();
}

}  // namespace cria::storage::layers

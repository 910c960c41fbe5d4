#include "services/storage/layers/metadata.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

namespace cria::storage::layers {

EntryMetadata MetadataOf(struct archive_entry* entry) {
  EntryMetadata metadata;
  metadata.uid = static_cast<uid_t>(archive_entry_uid(entry));
  metadata.gid = static_cast<gid_t>(archive_entry_gid(entry));
  metadata.mode = archive_entry_perm(entry) & 07777;
  metadata.mtime.tv_sec = archive_entry_mtime(entry);
  metadata.mtime.tv_nsec = archive_entry_mtime_nsec(entry);
  if (archive_entry_atime_is_set(entry)) {
    metadata.atime.tv_sec = archive_entry_atime(entry);
    metadata.atime.tv_nsec = archive_entry_atime_nsec(entry);
  } else {
    metadata.atime = metadata.mtime;
  }
  if (archive_entry_xattr_reset(entry) > 0) {
    const char* name;
    const void* value;
    size_t size;
    while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
      metadata.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
    }
  }
  return metadata;
}

Status ApplyMetadataToFd(int fd, const EntryMetadata& metadata, bool set_times) {
  if (::fchown(fd, metadata.uid, metadata.gid) != 0) {
    return ErrnoStatus(
        errno, "chown to " + std::to_string(metadata.uid) + ":" + std::to_string(metadata.gid));
  }
  if (::fchmod(fd, metadata.mode) != 0) return ErrnoStatus(errno, "chmod");
  for (const auto& [name, value] : metadata.xattrs) {
    if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) != 0) {
      return ErrnoStatus(errno, "set xattr " + name);
    }
  }
  if (set_times) {
    struct timespec times[2] = {metadata.atime, metadata.mtime};
    if (::futimens(fd, times) != 0) return ErrnoStatus(errno, "set times");
  }
  return OkStatus();
}

Status ApplyMetadataAt(int parent_fd, const std::string& name, const EntryMetadata& metadata,
                       bool is_symlink) {
  if (::fchownat(parent_fd, name.c_str(), metadata.uid, metadata.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(
        errno, "chown to " + std::to_string(metadata.uid) + ":" + std::to_string(metadata.gid));
  }
  // Symlinks have no mode of their own on Linux. `name` was just created by mknodat, so
  // fchmodat (which cannot refuse to follow) acts on the node itself.
  if (!is_symlink && ::fchmodat(parent_fd, name.c_str(), metadata.mode, 0) != 0) {
    return ErrnoStatus(errno, "chmod");
  }
  if (!metadata.xattrs.empty()) {
    // The parent through its fd: lsetxattr does not follow `name` itself.
    std::string path = "/proc/self/fd/" + std::to_string(parent_fd) + "/" + name;
    for (const auto& [key, value] : metadata.xattrs) {
      if (::lsetxattr(path.c_str(), key.c_str(), value.data(), value.size(), 0) != 0) {
        // The kernel refuses user.* xattrs on symlinks and devices; tar records them
        // anyway from some filesystems. Nothing can be done with them.
        if (errno == EPERM && key.rfind("user.", 0) == 0) continue;
        return ErrnoStatus(errno, "set xattr " + key);
      }
    }
  }
  struct timespec times[2] = {metadata.atime, metadata.mtime};
  if (::utimensat(parent_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno, "set times");
  }
  return OkStatus();
}

}  // namespace cria::storage::layers

// Ownership, mode, xattrs and times of a tar entry, applied to what was created for it.
// Order matters: chown first (it clears setuid/setgid and security.capability), then
// chmod, then xattrs, then times.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"

struct archive_entry;

namespace cria::storage::layers {

struct EntryMetadata {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // Permission bits with setuid/setgid/sticky (07777).
  struct timespec atime = {};
  struct timespec mtime = {};
  std::vector<std::pair<std::string, std::string>> xattrs;
};

EntryMetadata MetadataOf(struct archive_entry* entry);

// For a regular file or directory opened as `fd`. Times only when `set_times`
// (directories get theirs after their contents, see SetTimesInRoot).
Status ApplyMetadataToFd(int fd, const EntryMetadata& metadata, bool set_times);

// For the symlink, device or fifo `name` in `parent_fd` (never following it).
Status ApplyMetadataAt(int parent_fd, const std::string& name, const EntryMetadata& metadata,
                       bool is_symlink);

}  // namespace cria::storage::layers

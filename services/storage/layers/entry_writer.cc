#include "services/storage/layers/entry_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "libs/archive/archive_error.h"
#include "libs/fd/unique_fd.h"
#include "services/storage/layers/remove.h"
#include "services/storage/layers/resolve.h"
#include "services/storage/layers/whiteout.h"

namespace cria::storage::layers {
namespace {

std::string JoinPath(const std::string& parent, const std::string& base) {
  return parent.empty() ? base : parent + "/" + base;
}

Status WriteAll(int fd, const void* data, size_t size, int64_t offset) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write at offset " + std::to_string(offset));
    }
    p += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return OkStatus();
}

}  // namespace

EntryWriter::EntryWriter(int root_fd, const ApplyOptions& options)
    : root_fd_(root_fd), options_(options) {}

Status EntryWriter::Write(struct archive* reader, struct archive_entry* entry) {
  const char* name = archive_entry_pathname(entry);
  if (name == nullptr) return absl::InvalidArgumentError("an entry has no name");
  Result<EntryPath> path = ParseEntryPath(name);
  Status status = path.ok() ? WriteEntry(reader, entry, *path) : path.status();
  return Annotate(status, "entry " + DescribeName(name));
}

Status EntryWriter::WriteEntry(struct archive* reader, struct archive_entry* entry,
                               const EntryPath& path) {
  if (path.base == "..") return absl::InvalidArgumentError("name ends in \"..\"");
  if (path.base.empty()) return WriteRoot(entry);
  if (IsWhiteout(path.base)) return WriteWhiteout(path);

  const char* hardlink = archive_entry_hardlink(entry);
  mode_t type = archive_entry_filetype(entry);
  if (hardlink == nullptr && (type == AE_IFCHR || type == AE_IFBLK) && !options_.allow_devices) {
    return absl::InvalidArgumentError("device nodes are not allowed in this store");
  }
  if (hardlink == nullptr && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK &&
      type != AE_IFCHR && type != AE_IFBLK && type != AE_IFIFO) {
    return absl::InvalidArgumentError("unsupported entry type " + std::to_string(type));
  }

  CRIA_ASSIGN_OR_RETURN(
      UniqueFd parent,
      MkdirAllInRoot(root_fd_, path.parent,
                     [this](int fd, const std::string& name) { NoteCreated(fd, name); }),
      "");
  if (hardlink != nullptr) return WriteHardlink(hardlink, parent.Get(), path.base);

  EntryMetadata metadata = MetadataOf(entry);
  const char* base = path.base.c_str();
  switch (type) {
    case AE_IFDIR:
      return WriteDirectory(parent.Get(), path, metadata);
    case AE_IFREG:
      return WriteRegular(reader, entry, parent.Get(), path.base, metadata);
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(entry);
      if (target == nullptr) return absl::InvalidArgumentError("symlink without a target");
      CRIA_RETURN_IF_ERROR(Clear(parent.Get(), path.base), "");
      if (::symlinkat(target, parent.Get(), base) != 0) return ErrnoStatus(errno, "symlink");
      NoteCreated(parent.Get(), path.base);
      return ApplyMetadataAt(parent.Get(), path.base, metadata, /*is_symlink=*/true);
    }
    default: {  // Character and block devices, fifos.
      CRIA_RETURN_IF_ERROR(Clear(parent.Get(), path.base), "");
      dev_t device = makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
      if (::mknodat(parent.Get(), base, type | (metadata.mode & 0777), device) != 0) {
        return ErrnoStatus(errno, "mknod");
      }
      NoteCreated(parent.Get(), path.base);
      return ApplyMetadataAt(parent.Get(), path.base, metadata, /*is_symlink=*/false);
    }
  }
}

Status EntryWriter::WriteRoot(struct archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr || archive_entry_filetype(entry) != AE_IFDIR) {
    return absl::InvalidArgumentError("only a directory can name the layer root");
  }
  EntryMetadata metadata = MetadataOf(entry);
  CRIA_RETURN_IF_ERROR(ApplyMetadataToFd(root_fd_, metadata, /*set_times=*/false), "");
  dir_times_.push_back({"", metadata.atime, metadata.mtime});
  return OkStatus();
}

Status EntryWriter::WriteWhiteout(const EntryPath& path) {
  Result<UniqueFd> dir =
      options_.whiteouts == WhiteoutMode::kOverlay
          ? MkdirAllInRoot(root_fd_, path.parent,
                           [this](int fd, const std::string& name) { NoteCreated(fd, name); })
          : OpenDirInRoot(root_fd_, path.parent);
  if (!dir.ok()) {
    // Deleting below a directory that does not exist: nothing to delete.
    if (options_.whiteouts == WhiteoutMode::kDelete && absl::IsNotFound(dir.status())) {
      return OkStatus();
    }
    return dir.status();
  }
  int dir_fd = dir->Get();
  return ApplyWhiteout(
      dir_fd, path.base, options_.whiteouts,
      [this, dir_fd](const std::string& name) { return CreatedHere(dir_fd, name); });
}

Status EntryWriter::WriteDirectory(int parent_fd, const EntryPath& path,
                                   const EntryMetadata& metadata) {
  const char* base = path.base.c_str();
  struct stat st;
  bool exists = ::fstatat(parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) return ErrnoStatus(errno, "stat");
  if (exists && !S_ISDIR(st.st_mode)) {
    if (::unlinkat(parent_fd, base, 0) != 0) return ErrnoStatus(errno, "remove the non-directory");
    exists = false;
  }
  // An existing directory is kept (its contents may come from earlier entries or, for
  // kDelete, from the parent layers); only its metadata changes.
  if (!exists && ::mkdirat(parent_fd, base, 0700) != 0) return ErrnoStatus(errno, "mkdir");
  NoteCreated(parent_fd, path.base);
  UniqueFd fd(::openat(parent_fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoStatus(errno, "open directory");
  CRIA_RETURN_IF_ERROR(ApplyMetadataToFd(fd.Get(), metadata, /*set_times=*/false), "");
  dir_times_.push_back({JoinPath(path.parent, path.base), metadata.atime, metadata.mtime});
  return OkStatus();
}

Status EntryWriter::WriteRegular(struct archive* reader, struct archive_entry* entry, int parent_fd,
                                 const std::string& base, const EntryMetadata& metadata) {
  CRIA_RETURN_IF_ERROR(Clear(parent_fd, base), "");
  UniqueFd fd(::openat(parent_fd, base.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.Valid()) return ErrnoStatus(errno, "create");
  NoteCreated(parent_fd, base);
  // Blocks come with their offsets; the gaps between them (sparse entries) stay holes.
  while (true) {
    const void* data;
    size_t size;
    la_int64_t offset;
    int r = archive_read_data_block(reader, &data, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      return absl::InvalidArgumentError("read data: " + ArchiveErrorText(reader));
    }
    CRIA_RETURN_IF_ERROR(WriteAll(fd.Get(), data, size, offset), "");
  }
  if (archive_entry_size_is_set(entry) && ::ftruncate(fd.Get(), archive_entry_size(entry)) != 0) {
    return ErrnoStatus(errno, "set size");
  }
  return ApplyMetadataToFd(fd.Get(), metadata, /*set_times=*/true);
}

Status EntryWriter::WriteHardlink(const char* target, int parent_fd, const std::string& base) {
  std::string described = DescribeName(target);
  Result<EntryPath> target_path = ParseEntryPath(target);
  if (!target_path.ok()) {
    return Annotate(target_path.status(), "hardlink target " + described);
  }
  auto refuse = [&described](std::string_view why) {
    return absl::InvalidArgumentError("hardlink target " + described + " " + std::string(why));
  };
  if (target_path->base.empty() || target_path->base == "..") return refuse("is a directory");
  Result<UniqueFd> target_dir = OpenDirInRoot(root_fd_, target_path->parent);
  if (!target_dir.ok()) return refuse("is not present in the layer");
  struct stat target_st;
  if (::fstatat(target_dir->Get(), target_path->base.c_str(), &target_st, AT_SYMLINK_NOFOLLOW) !=
      0) {
    if (errno == ENOENT) return refuse("is not present in the layer");
    return ErrnoStatus(errno, "stat hardlink target " + described);
  }
  if (!S_ISREG(target_st.st_mode) && !S_ISLNK(target_st.st_mode)) {
    return refuse("is not a regular file or symlink");
  }
  struct stat st;
  if (::fstatat(parent_fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      st.st_dev == target_st.st_dev && st.st_ino == target_st.st_ino) {
    return OkStatus();  // Already this very file (a repeated entry).
  }
  CRIA_RETURN_IF_ERROR(Clear(parent_fd, base), "");
  if (::linkat(target_dir->Get(), target_path->base.c_str(), parent_fd, base.c_str(), 0) != 0) {
    return ErrnoStatus(errno, "link to " + described);
  }
  NoteCreated(parent_fd, base);
  return OkStatus();
}

Status EntryWriter::Clear(int parent_fd, const std::string& base) {
  return Annotate(RemoveAllAt(parent_fd, base), "replace the existing entry");
}

void EntryWriter::NoteCreated(int parent_fd, const std::string& name) {
  if (options_.whiteouts != WhiteoutMode::kDelete) return;
  struct stat st;
  if (::fstat(parent_fd, &st) == 0) created_.emplace(st.st_dev, st.st_ino, name);
}

bool EntryWriter::CreatedHere(int dir_fd, const std::string& name) const {
  struct stat st;
  if (::fstat(dir_fd, &st) != 0) return true;  // Unknown: keep rather than delete.
  return created_.count({st.st_dev, st.st_ino, name}) > 0;
}

Status EntryWriter::Finish() {
  // Contents are all written: directory times no longer move. A directory that a later
  // entry replaced (by a symlink, say) is skipped.
  for (const DirTimes& dir : dir_times_) {
    UniqueFd fd(OpenAt2(root_fd_, dir.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS));
    if (!fd.Valid()) {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue;
      return ErrnoStatus(errno, "open directory /" + dir.path + " to set its times");
    }
    struct timespec times[2] = {dir.atime, dir.mtime};
    if (::futimens(fd.Get(), times) != 0) {
      return ErrnoStatus(errno, "set times of directory /" + dir.path);
    }
  }
  return OkStatus();
}

}  // namespace cria::storage::layers

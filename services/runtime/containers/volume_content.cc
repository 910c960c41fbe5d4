#include "services/runtime/containers/volume_content.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "libs/fd/unique_fd.h"
#include "services/runtime/spec/rootfs_file.h"

namespace cria::runtime::containers {
namespace {

// Each level holds two directory fds: deeper trees are refused rather than run out of fds.
constexpr int kMaxDepth = 128;

// Owner first (chown clears set-id bits), then mode, then times. `fd` names the entry
// itself, or is -1 for a symlink (`dir` and `name` then).
Status CopyMetadata(int fd, int dir, const char* name, const struct stat& st,
                    const std::string& what) {
  const struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (fd >= 0) {
    if (::fchown(fd, st.st_uid, st.st_gid) != 0) return ErrnoStatus(errno, "chown " + what);
    if (::fchmod(fd, st.st_mode & 07777) != 0) return ErrnoStatus(errno, "chmod " + what);
    if (::futimens(fd, times) != 0) return ErrnoStatus(errno, "set the times of " + what);
    return OkStatus();
  }
  if (::fchownat(dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno, "chown " + what);
  }
  if (!S_ISLNK(st.st_mode) && ::fchmodat(dir, name, st.st_mode & 07777, 0) != 0) {
    return ErrnoStatus(errno, "chmod " + what);
  }
  if (::utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno, "set the times of " + what);
  }
  return OkStatus();
}

Status CopyFile(int from, int to, const std::string& what) {
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "read " + what);
    if (n == 0) return OkStatus();
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(to, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return ErrnoStatus(errno, "write " + what);
      done += w;
    }
  }
}

Status CopyEntries(int from_dir, int to_dir, const std::string& where, int depth) {
  if (depth > kMaxDepth) {
    return Status(StatusCode::kFailedPrecondition,
                  where + ": deeper than " + std::to_string(kMaxDepth) + " directories");
  }
  const int listed = ::dup(from_dir);
  if (listed < 0) return ErrnoStatus(errno, "open " + where);
  DIR* dir = ::fdopendir(listed);
  if (dir == nullptr) {
    ::close(listed);
    return ErrnoStatus(errno, "list " + where);
  }
  std::vector<std::string> names;
  for (errno = 0; struct dirent* e = ::readdir(dir); errno = 0) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoStatus(err, "list " + where);

  for (const std::string& name : names) {
    const std::string what = where + "/" + name;
    const char* n = name.c_str();
    struct stat st;
    if (::fstatat(from_dir, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoStatus(errno, "stat " + what);
    }
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(to_dir, n, 0700) != 0) return ErrnoStatus(errno, "create " + what);
      UniqueFd from(::openat(from_dir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!from.Valid()) return ErrnoStatus(errno, "open " + what);
      UniqueFd to(::openat(to_dir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!to.Valid()) return ErrnoStatus(errno, "open the copy of " + what);
      CRIA_RETURN_IF_ERROR(CopyEntries(from.Get(), to.Get(), what, depth + 1), "");
      CRIA_RETURN_IF_ERROR(CopyMetadata(to.Get(), -1, nullptr, st, what), "");
    } else if (S_ISREG(st.st_mode)) {
      UniqueFd from(::openat(from_dir, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!from.Valid()) return ErrnoStatus(errno, "open " + what);
      UniqueFd to(::openat(to_dir, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!to.Valid()) return ErrnoStatus(errno, "create " + what);
      CRIA_RETURN_IF_ERROR(CopyFile(from.Get(), to.Get(), what), "");
      CRIA_RETURN_IF_ERROR(CopyMetadata(to.Get(), -1, nullptr, st, what), "");
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      const ssize_t len = ::readlinkat(from_dir, n, target, sizeof target);
      if (len < 0 || len >= static_cast<ssize_t>(sizeof target)) {
        return ErrnoStatus(len < 0 ? errno : ENAMETOOLONG, "read the link " + what);
      }
      target[len] = '\0';
      if (::symlinkat(target, to_dir, n) != 0) return ErrnoStatus(errno, "create " + what);
      CRIA_RETURN_IF_ERROR(CopyMetadata(-1, to_dir, n, st, what), "");
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (::mknodat(to_dir, n, st.st_mode & (S_IFMT | 0600), st.st_rdev) != 0) {
        return ErrnoStatus(errno, "create " + what);
      }
      CRIA_RETURN_IF_ERROR(CopyMetadata(-1, to_dir, n, st, what), "");
    }
    // A socket means nothing without its process: left out, as tar leaves it.
  }
  return OkStatus();
}

}  // namespace

Status CopyVolumeContent(const std::string& rootfs, const std::string& path,
                         const std::string& volume) {
  const std::string what = "the image's " + path;
  Result<UniqueFd> from = spec::OpenInRoot(rootfs, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  // No directory there (or a file): the volume starts empty.
  if (from.status().code() == StatusCode::kNotFound ||
      from.status().code() == StatusCode::kFailedPrecondition) {
    return OkStatus();
  }
  CRIA_RETURN_IF_ERROR(from.status(), "copy " + what + " into its volume");
  UniqueFd to(::open(volume.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!to.Valid()) return ErrnoStatus(errno, "open the volume " + volume);
  struct stat st;
  if (::fstat(from->Get(), &st) != 0) return ErrnoStatus(errno, "stat " + what);
  CRIA_RETURN_IF_ERROR(CopyEntries(from->Get(), to.Get(), path, 0),
                       "copy " + what + " into its volume");
  return Annotate(CopyMetadata(to.Get(), -1, nullptr, st, path),
                  "copy " + what + " into its volume");
}

}  // namespace cria::runtime::containers

#include "services/runtime/spec/rootfs_file.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "libs/fd/unique_fd.h"

namespace cria::runtime::spec {
namespace {

int OpenAt2InRoot(int root_fd, const std::string& path, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    // EAGAIN: a concurrent rename inside the root made the kernel give up; retry a little.
    if (errno == EINTR || (errno == EAGAIN && attempt < 16)) continue;
    return -1;
  }
}

}  // namespace

Result<std::string> ReadFileInRoot(const std::string& root, const std::string& path,
                                   size_t max_bytes) {
  const std::string what = path + " in " + root;
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.Valid()) return ErrnoStatus(errno, "open root filesystem " + root);
  // O_NONBLOCK: a FIFO planted at the path must not block the open.
  UniqueFd fd(OpenAt2InRoot(root_fd.Get(), path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + what);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return ErrnoStatus(errno, "stat " + what);
  if (!S_ISREG(st.st_mode)) {
    return Status(StatusCode::kFailedPrecondition, "read " + what + ": not a regular file");
  }
  std::string content;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd.Get(), buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read " + what);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > max_bytes) {
      return Status(StatusCode::kOutOfRange,
                    "read " + what + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return content;
}

Result<UniqueFd> OpenInRoot(const std::string& root, const std::string& path, int flags) {
  const std::string what = path + " in " + root;
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.Valid()) return ErrnoStatus(errno, "open root filesystem " + root);
  UniqueFd fd(OpenAt2InRoot(root_fd.Get(), path, flags | O_CLOEXEC));
  if (!fd.Valid() && errno == ENOTDIR) {
    return Status(StatusCode::kFailedPrecondition, "open " + what + ": not a directory");
  }
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + what);
  return fd;
}

Result<std::string> ResolveInRoot(const std::string& root, const std::string& path) {
  const std::string what = path + " in " + root;
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.Valid()) return ErrnoStatus(errno, "open root filesystem " + root);
  UniqueFd fd(OpenAt2InRoot(root_fd.Get(), path, O_PATH | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + what);
  // Where the kernel found it, and where the root is, as the kernel names them.
  auto real = [](int fd) -> Result<std::string> {
    char buffer[PATH_MAX];
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), buffer, sizeof(buffer));
    if (n < 0 || n >= static_cast<ssize_t>(sizeof(buffer))) return ErrnoStatus(errno, link);
    return std::string(buffer, static_cast<size_t>(n));
  };
  CRIA_ASSIGN_OR_RETURN(std::string found, real(fd.Get()), "resolve " + what);
  CRIA_ASSIGN_OR_RETURN(std::string base, real(root_fd.Get()), "resolve " + root);
  if (found != base && found.rfind(base + "/", 0) != 0) {
    return Status(StatusCode::kInvalidArgument, "resolve " + what + ": it is outside, at " + found);
  }
  return found;
}

}  // namespace cria::runtime::spec

#include "libs/rpc/socket.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <vector>

namespace cria::rpc {

SocketClaim::SocketClaim(SocketClaim&& other) noexcept
    : lock_fd_(other.lock_fd_), path_(std::move(other.path_)) {
  other.lock_fd_ = -1;
}

SocketClaim& SocketClaim::operator=(SocketClaim&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) close(lock_fd_);
    lock_fd_ = other.lock_fd_;
    path_ = std::move(other.path_);
    other.lock_fd_ = -1;
  }
  return *this;
}

SocketClaim::~SocketClaim() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

Result<SocketClaim> ClaimSocketPath(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), "create socket directory " + dir.string());
    if (chmod(dir.c_str(), 0711) != 0) {
      return ErrnoStatus(errno, "chmod socket directory " + dir.string());
    }
  }
  std::string lock_path = path + ".lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoStatus(errno, "open socket lock " + lock_path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) {
      return Status(
          StatusCode::kFailedPrecondition,
          "socket " + path + " is in use by another process (it holds " + lock_path + ")");
    }
    return ErrnoStatus(err, "lock " + lock_path);
  }
  SocketClaim claim(fd, path);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status(StatusCode::kFailedPrecondition,
                    path + " exists and is not a socket; refusing to replace it");
    }
    // We hold the lock, so whoever made this socket is gone: it is stale.
    if (unlink(path.c_str()) != 0) return ErrnoStatus(errno, "remove stale socket " + path);
  } else if (errno != ENOENT) {
    return ErrnoStatus(errno, "stat socket path " + path);
  }
  return claim;
}

Status ApplySocketPermissions(const SocketOptions& options) {
  if (!options.group.empty()) {
    struct group grp;
    struct group* found = nullptr;
    std::vector<char> buf(16384);
    int err = getgrnam_r(options.group.c_str(), &grp, buf.data(), buf.size(), &found);
    if (err != 0) return ErrnoStatus(err, "look up group " + options.group);
    if (found == nullptr) {
      return Status(StatusCode::kInvalidArgument, "group \"" + options.group + "\" for socket " +
                                                      options.path + " does not exist");
    }
    if (chown(options.path.c_str(), static_cast<uid_t>(-1), grp.gr_gid) != 0) {
      return ErrnoStatus(errno, "chown socket " + options.path + " to group " + options.group);
    }
  }
  if (chmod(options.path.c_str(), options.mode) != 0) {
    return ErrnoStatus(errno, "chmod socket " + options.path);
  }
  return OkStatus();
}

}  // namespace cria::rpc

// Unix socket paths for gRPC servers: one owner at a time (a lock file held for the
// process's life), stale sockets from a crashed owner removed, permissions set before
// anyone else can connect.
#pragma once

#include <string>

#include "libs/status/status.h"

namespace cria::rpc {

struct SocketOptions {
  std::string path;
  unsigned mode = 0600;
  std::string group;  // empty: leave root's group
};

// Held while the process serves `path`; closing it releases the claim.
class SocketClaim {
 public:
  SocketClaim() = default;
  explicit SocketClaim(int lock_fd, std::string path) : lock_fd_(lock_fd), path_(std::move(path)) {}
  SocketClaim(SocketClaim&& other) noexcept;
  SocketClaim& operator=(SocketClaim&& other) noexcept;
  SocketClaim(const SocketClaim&) = delete;
  SocketClaim& operator=(const SocketClaim&) = delete;
  ~SocketClaim();

  const std::string& path() const { return path_; }

 private:
  int lock_fd_ = -1;
  std::string path_;
};

// Creates the socket's directory (0711) if needed, takes "<path>.lock" with flock
// (FailedPrecondition naming the path when another process holds it), and removes a
// stale socket left at `path`. Anything at `path` that is not a socket is refused.
Result<SocketClaim> ClaimSocketPath(const std::string& path);

// Applies mode and group to a socket that now exists.
Status ApplySocketPermissions(const SocketOptions& options);

}  // namespace cria::rpc

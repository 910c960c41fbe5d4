#include "services/network/netns/netns.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace cria::network::netns {
namespace {

// Brings "lo" up in the calling thread's network namespace.
Status LoopbackUp() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus(errno, "open a socket in the new network namespace");
  struct ifreq ifr = {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  Status status = OkStatus();
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    status = ErrnoStatus(errno, "read the flags of lo");
  } else {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) status = ErrnoStatus(errno, "bring lo up");
  }
  close(fd);
  return status;
}

// Runs in a thread of its own, which dies afterwards: unshare changes only this
// thread's namespace, and no other work ever runs in it.
Status CreateInThread(const std::string& path) {
  if (unshare(CLONE_NEWNET) != 0) return ErrnoStatus(errno, "unshare(CLONE_NEWNET)");
  CRIA_RETURN_IF_ERROR(LoopbackUp(), "");
  std::string self = "/proc/self/task/" + std::to_string(gettid()) + "/ns/net";
  if (mount(self.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return ErrnoStatus(errno, "bind-mount " + self + " on " + path);
  }
  return OkStatus();
}

}  // namespace

Status Create(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) return ErrnoStatus(errno, "create netns pin " + path);
  close(fd);
  Status status;
  std::thread([&status, &path] { status = CreateInThread(path); }).join();
  if (!status.ok()) {
    unlink(path.c_str());
    return Annotate(status, "create network namespace " + path);
  }
  return OkStatus();
}

bool IsPinned(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

Status Remove(const std::string& path) {
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoStatus(errno, "unmount network namespace " + path);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove network namespace pin " + path);
  }
  return OkStatus();
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename());
  }
  return names;
}

}  // namespace cria::network::netns

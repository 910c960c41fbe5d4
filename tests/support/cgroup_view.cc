#include "tests/support/cgroup_view.h"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace cria::testing {

bool HybridCgroup2HasControllers() {
  std::ifstream controllers("/sys/fs/cgroup/unified/cgroup.controllers");
  std::string line;
  return std::getline(controllers, line) && !line.empty();
}

Result<bool> HideCgroup2ForCrun() {
  if (!HybridCgroup2HasControllers()) return false;
  if (::unshare(CLONE_NEWNS) != 0) return ErrnoStatus(errno, "unshare a mount namespace");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoStatus(errno, "make / private in the new mount namespace");
  }
  if (::umount2("/sys/fs/cgroup/unified", MNT_DETACH) != 0) {
    return ErrnoStatus(errno, "unmount /sys/fs/cgroup/unified in the new mount namespace");
  }
  // crun still makes the directories of the 0:: line of /proc/self/cgroup there (plain
  // directories now); a tmpfs of the namespace's own keeps them off the host's
  // /sys/fs/cgroup tmpfs and lets them die with the namespace.
  if (::mount("cria-crun-view", "/sys/fs/cgroup/unified", "tmpfs", MS_NOSUID | MS_NODEV,
              "mode=755") != 0) {
    return ErrnoStatus(errno, "mount a tmpfs on /sys/fs/cgroup/unified in the new namespace");
  }
  return true;
}

}  // namespace cria::testing

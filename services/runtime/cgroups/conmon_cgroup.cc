#include "services/runtime/cgroups/conmon_cgroup.h"

#include <sys/stat.h>

#include <cerrno>

namespace cria::runtime::cgroups {

Result<std::string> PrepareConmonCgroup(const std::string& root) {
  struct stat st;
  std::string hierarchy;
  if (stat((root + "/cgroup.controllers").c_str(), &st) == 0) {
    hierarchy = root;  // cgroup v2 only
  } else if (stat((root + "/systemd").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    hierarchy = root + "/systemd";  // v1 (or hybrid): systemd's own hierarchy
  } else {
    return std::string();
  }
  const std::string dir = hierarchy + "/cria-conmon";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "create the conmon cgroup " + dir);
  }
  return dir + "/cgroup.procs";
}

}  // namespace cria::runtime::cgroups

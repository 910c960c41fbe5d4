#include "services/runtime/cgroups/conmon_cgroup.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>

namespace cria::runtime::cgroups {
namespace {

bool IsCgroup2(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Result<std::vector<std::string>> PrepareConmonCgroups(const std::string& root,
                                                      const std::string& name) {
  std::vector<std::string> hierarchies;
  if (IsCgroup2(root)) {
    hierarchies.push_back(root);  // cgroup v2 only
  } else {
    // v1 or hybrid: systemd's own v1 hierarchy, and the v2 one a hybrid host has (systemd
    // tracks units there when it is mounted; a tmpfs in its place is not it).
    if (IsCgroup2(root + "/unified")) hierarchies.push_back(root + "/unified");
    if (IsDirectory(root + "/systemd")) hierarchies.push_back(root + "/systemd");
  }
  std::vector<std::string> procs;
  for (const std::string& hierarchy : hierarchies) {
    const std::string dir = hierarchy + "/" + name;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "create the conmon cgroup " + dir);
    }
    procs.push_back(dir + "/cgroup.procs");
  }
  return procs;
}

}  // namespace cria::runtime::cgroups

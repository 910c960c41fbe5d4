#include "libs/testing/cgroup_tree.h"

#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace cria::testing {
namespace {

namespace fs = std::filesystem;

void CollectProcs(const fs::path& dir, std::set<int>* out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::ifstream procs(dir / "cgroup.procs");
  int pid = 0;
  while (procs >> pid) out->insert(pid);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) CollectProcs(entry.path(), out);
  }
}

// rmdir, deepest first (cgroupfs directories are removed with rmdir, never unlink).
void RmdirTree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) RmdirTree(entry.path());
  }
  ::rmdir(dir.c_str());
}

bool IsCgroupFs(const fs::path& dir) {
  struct statfs st;
  if (::statfs(dir.c_str(), &st) != 0) return false;
  return st.f_type == CGROUP_SUPER_MAGIC || st.f_type == CGROUP2_SUPER_MAGIC;
}

// "<hierarchy>/<parent>" for each directory under /sys/fs/cgroup, cgroup filesystems or not.
std::vector<std::pair<fs::path, bool>> ParentDirs(const std::string& parent) {
  std::vector<std::pair<fs::path, bool>> out;
  std::error_code ec;
  const std::string relative = parent.substr(parent.find_first_not_of('/'));
  for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      out.emplace_back(entry.path() / relative, IsCgroupFs(entry.path()));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> CgroupDirs(const std::string& parent) {
  std::vector<std::string> out;
  for (const auto& [dir, cgroup_fs] : ParentDirs(parent)) {
    if (cgroup_fs) out.push_back(dir.string());
  }
  return out;
}

std::vector<int> ProcsInCgroup(const std::string& parent) {
  std::set<int> pids;
  for (const std::string& dir : CgroupDirs(parent)) CollectProcs(dir, &pids);
  return {pids.begin(), pids.end()};
}

std::vector<std::string> RemoveCgroup(const std::string& parent) {
  std::vector<std::string> left;
  std::error_code ec;
  for (const auto& [dir, cgroup_fs] : ParentDirs(parent)) {
    if (cgroup_fs) {
      RmdirTree(dir);
    } else {
      fs::remove_all(dir, ec);
    }
    if (fs::exists(dir, ec)) left.push_back(dir.string());
  }
  return left;
}

}  // namespace cria::testing

#include "services/runtime/containers/selinux_relabel.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/xattr.h>

#include <cerrno>
#include <filesystem>
#include <set>

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

// Host directories CRI-O also refuses to relabel: the system would stop working.
const std::set<std::string>& Protected() {
  static const std::set<std::string> paths = {
      "/",     "/bin",  "/boot",  "/dev",   "/etc", "/etc/passwd", "/etc/shadow",
      "/home", "/lib",  "/lib64", "/media", "/opt", "/proc",       "/root",
      "/run",  "/sbin", "/srv",   "/sys",   "/tmp", "/usr",        "/var"};
  return paths;
}

// nftw has no user data pointer: the label and the first error of the walk in progress.
thread_local const std::string* walk_label = nullptr;
thread_local int walk_errno = 0;
thread_local std::string walk_failed;

int RelabelOne(const char* path, const struct stat*, int, struct FTW*) {
  if (::lsetxattr(path, "security.selinux", walk_label->c_str(), walk_label->size() + 1, 0) != 0) {
    walk_errno = errno;
    walk_failed = path;
    return 1;  // stop the walk
  }
  return 0;
}

}  // namespace

Status RelabelTrees(const std::vector<std::string>& paths, const std::string& label) {
  if (label.empty()) return Status(StatusCode::kInvalidArgument, "relabel: no mount label");
  for (const std::string& path : paths) {
    const std::string normal = fs::path(path).lexically_normal().string();
    std::string trimmed = normal;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    if (Protected().count(trimmed) != 0) {
      return Status(
          StatusCode::kInvalidArgument,
          "relabelling " + path + " for SELinux is not allowed: the host needs its label");
    }
  }
  for (const std::string& path : paths) {
    walk_label = &label;
    walk_errno = 0;
    walk_failed.clear();
    const int rc = ::nftw(path.c_str(), RelabelOne, 64, FTW_PHYS | FTW_MOUNT);
    walk_label = nullptr;
    if (walk_errno != 0) {
      return ErrnoStatus(walk_errno, "relabel " + walk_failed + " as " + label);
    }
    if (rc != 0) return ErrnoStatus(errno, "walk " + path + " to relabel it");
  }
  return OkStatus();
}

}  // namespace cria::runtime::containers

#include "services/runtime/spec/host_lookup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "libs/fd/unique_fd.h"

namespace cria::runtime::spec {
namespace {

// Deep enough for /dev (/dev/dri/by-path/..., /dev/bus/usb/001/...).
constexpr int kMaxDepth = 8;

bool IsDevice(const struct stat& st) { return S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode); }

HostDevice FromStat(const std::string& path, const struct stat& st) {
  HostDevice d;
  d.path = path;
  d.type = S_ISBLK(st.st_mode) ? 'b' : 'c';
  d.major = static_cast<int64_t>(major(st.st_rdev));
  d.minor = static_cast<int64_t>(minor(st.st_rdev));
  d.mode = st.st_mode & 07777;
  d.uid = st.st_uid;
  d.gid = st.st_gid;
  return d;
}

bool Skipped(const std::string& name, bool is_dir) {
  static const std::set<std::string> kSkippedDirs = {"pts",  "shm",         "fd",   "mqueue",
                                                     ".lxc", ".lxd-mounts", ".udev"};
  if (is_dir) return kSkippedDirs.count(name) > 0;
  return name == "console";
}

Status Walk(int dir_fd, const std::string& dir_path, int depth, std::vector<HostDevice>* out) {
  if (depth > kMaxDepth) return OkStatus();
  UniqueFd fd(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + dir_path);
  DIR* dir = ::fdopendir(fd.Release());
  if (dir == nullptr) return ErrnoStatus(errno, "read " + dir_path);
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  const int walk_fd = ::dirfd(dir);
  std::sort(names.begin(), names.end());
  Status status;
  for (const std::string& name : names) {
    struct stat st;
    if (::fstatat(walk_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    const std::string path = dir_path + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      if (Skipped(name, true)) continue;
      UniqueFd child(
          ::openat(walk_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
      if (!child.Valid()) continue;  // vanished or unreadable: not a device we can give
      status = Walk(child.Get(), path, depth + 1, out);
      if (!status.ok()) break;
    } else if (IsDevice(st) && !Skipped(name, false)) {
      // 0:0 is what overlay whiteouts and broken nodes look like; no real device has it.
      if (major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) continue;
      out->push_back(FromStat(path, st));
    }
  }
  ::closedir(dir);
  return status;
}

}  // namespace

Result<std::vector<HostDevice>> SystemHostLookup::Devices(const std::string& path) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat device " + path);
  std::vector<HostDevice> out;
  if (IsDevice(st)) {
    out.push_back(FromStat(path, st));
    return out;
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status(StatusCode::kInvalidArgument,
                  "device " + path + " is neither a device node nor a directory");
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + path);
  std::string base = path;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  CRIA_RETURN_IF_ERROR(Walk(fd.Get(), base == "/" ? "" : base, 0, &out), "list devices");
  return out;
}

}  // namespace cria::runtime::spec

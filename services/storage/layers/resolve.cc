#include "services/storage/layers/resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "services/storage/layers/entry_path.h"

namespace cria::storage::layers {
namespace {

constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
// As the kernel's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinkHops = 40;

std::string Join(const std::vector<std::string>& components, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (!out.empty()) out += '/';
    out += components[i];
  }
  return out;
}

std::string InRoot(const std::string& path) { return "/" + path; }

}  // namespace

int OpenAt2(int dirfd, const std::string& path, int flags, uint64_t resolve) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = resolve;
  const char* name = path.empty() ? "." : path.c_str();
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    // EAGAIN: a concurrent rename made RESOLVE_IN_ROOT give up; try again a few times.
    if (errno == EINTR || (errno == EAGAIN && attempt < 16)) continue;
    return -1;
  }
}

Result<UniqueFd> OpenDirInRoot(int root_fd, const std::string& path) {
  UniqueFd fd(OpenAt2(root_fd, path, kDirFlags, kInRoot));
  if (!fd.Valid()) return ErrnoStatus(errno, "open directory " + InRoot(path));
  return fd;
}

Result<UniqueFd> MkdirAllInRoot(int root_fd, const std::string& path,
                                const CreatedDirFn& on_created) {
  std::string want = path;
  for (int hops = 0;; ++hops) {
    UniqueFd fd(OpenAt2(root_fd, want, kDirFlags, kInRoot));
    if (fd.Valid()) return fd;
    if (errno != ENOENT) return ErrnoStatus(errno, "open directory " + InRoot(want));
    if (hops > kMaxSymlinkHops) {
      return ErrnoStatus(ELOOP, "create directory " + InRoot(path));
    }
    std::vector<std::string> components = SplitPath(want);
    UniqueFd current(OpenAt2(root_fd, "", kDirFlags, kInRoot));
    if (!current.Valid()) return ErrnoStatus(errno, "open the layer root");
    std::string prefix;
    bool restart = false;
    for (size_t i = 0; i < components.size() && !restart; ++i) {
      const std::string& name = components[i];
      std::string next = prefix.empty() ? name : prefix + "/" + name;
      UniqueFd child(OpenAt2(root_fd, next, kDirFlags, kInRoot));
      if (!child.Valid()) {
        if (errno != ENOENT) return ErrnoStatus(errno, "open directory " + InRoot(next));
        struct stat st;
        if (::fstatat(current.Get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
          if (!S_ISLNK(st.st_mode)) return ErrnoStatus(ENOTDIR, "open directory " + InRoot(next));
          // A dangling symlink: continue at its target, resolved from where it sits.
          std::vector<char> target(PATH_MAX);
          ssize_t n = ::readlinkat(current.Get(), name.c_str(), target.data(), target.size());
          if (n < 0) return ErrnoStatus(errno, "read symlink " + InRoot(next));
          if (static_cast<size_t>(n) >= target.size()) {
            return ErrnoStatus(ENAMETOOLONG, "read symlink " + InRoot(next));
          }
          std::string link(target.data(), static_cast<size_t>(n));
          std::string base = (!link.empty() && link[0] == '/') ? link : prefix + "/" + link;
          want = base + "/" + Join(components, i + 1, components.size());
          restart = true;
          break;
        }
        if (errno != ENOENT) return ErrnoStatus(errno, "stat " + InRoot(next));
        if (::mkdirat(current.Get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
          return ErrnoStatus(errno, "create directory " + InRoot(next));
        }
        // mkdirat honours the umask; the mode of a directory the layer did not list is 0755.
        if (::fchmodat(current.Get(), name.c_str(), 0755, 0) != 0) {
          return ErrnoStatus(errno, "chmod directory " + InRoot(next));
        }
        if (on_created) on_created(current.Get(), name);
        child.Reset(::openat(current.Get(), name.c_str(), kDirFlags | O_NOFOLLOW));
        if (!child.Valid()) return ErrnoStatus(errno, "open directory " + InRoot(next));
      }
      current = std::move(child);
      prefix = std::move(next);
    }
    if (!restart) return current;
  }
}

}  // namespace cria::storage::layers

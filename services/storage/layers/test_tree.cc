#include "services/storage/layers/test_tree.h"

#include <stdlib.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <set>
#include <vector>

namespace cria::storage::layers::testing {

namespace fs = std::filesystem;

int Run(const std::string& command) { return std::system(command.c_str()); }

std::string Output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

struct stat StatOf(const std::string& path) {
  struct stat st = {};
  if (lstat(path.c_str(), &st) != 0) st = {};
  return st;
}

namespace {

std::string Describe(const std::string& path) {
  struct stat st = StatOf(path);
  std::string line;
  char type = S_ISDIR(st.st_mode)    ? 'd'
              : S_ISLNK(st.st_mode)  ? 'l'
              : S_ISCHR(st.st_mode)  ? 'c'
              : S_ISBLK(st.st_mode)  ? 'b'
              : S_ISFIFO(st.st_mode) ? 'p'
                                     : 'f';
  char mode[16];
  std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
  line = std::string(1, type) + " " + mode + " " + std::to_string(st.st_uid) + ":" +
         std::to_string(st.st_gid);
  if (type == 'f') {
    line += " size=" + std::to_string(st.st_size) + " " +
            Output("sha256sum < '" + path + "' | cut -d' ' -f1");
  } else if (type == 'l') {
    line += " -> " + fs::read_symlink(path).string();
  } else if (type == 'c' || type == 'b') {
    line += " dev=" + std::to_string(major(st.st_rdev)) + "," + std::to_string(minor(st.st_rdev));
  }
  if (type != 'l') line += " mtime=" + std::to_string(st.st_mtim.tv_sec);
  std::vector<char> names(65536);
  ssize_t n = llistxattr(path.c_str(), names.data(), names.size());
  std::set<std::string> sorted;  // The kernel's order is not the order they were set in.
  for (ssize_t i = 0; i < n;) {
    std::string name(names.data() + i);
    i += static_cast<ssize_t>(name.size()) + 1;
    sorted.insert(name);
  }
  for (const std::string& name : sorted) {
    std::vector<char> value(65536);
    ssize_t size = lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    line += " xattr:" + name + "=" + std::to_string(size) + ":" +
            std::string(value.data(), static_cast<size_t>(size > 0 ? size : 0));
  }
  return line;
}

}  // namespace

std::map<std::string, std::string> Manifest(const std::string& dir, const std::string& skip) {
  std::map<std::string, std::string> manifest;
  manifest["."] = Describe(dir);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::end(it); it.increment(ec)) {
    std::string relative = fs::relative(it->path(), dir).string();
    if (!skip.empty() && (relative == skip || relative.rfind(skip + "/", 0) == 0)) {
      it.disable_recursion_pending();
      continue;
    }
    manifest[relative] = Describe(it->path().string());
  }
  return manifest;
}

}  // namespace cria::storage::layers::testing

// Test only: temp dirs, shell commands and a manifest of a directory tree.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>

namespace cria::storage::layers::testing {

// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `command` with /bin/sh; its exit status.
int Run(const std::string& command);
// The output of `command`, trailing newline removed.
std::string Output(const std::string& command);

// One line per path under `dir` (the dir itself is "."), describing type, mode,
// uid:gid, size, content hash or link target or device numbers, mtime (non-symlinks)
// and xattrs. Paths under `skip` (relative) are left out.
std::map<std::string, std::string> Manifest(const std::string& dir, const std::string& skip = "");

// lstat of `path`; st_ino == 0 when it does not exist.
struct stat StatOf(const std::string& path);

}  // namespace cria::storage::layers::testing

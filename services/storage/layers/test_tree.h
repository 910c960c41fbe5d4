// Test only: temp dirs, shell commands and a manifest of a directory tree.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>

#include "libs/testing/temp_dir.h"

namespace cria::storage::layers::testing {

using cria::testing::TempDir;  // libs/testing/temp_dir.h

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

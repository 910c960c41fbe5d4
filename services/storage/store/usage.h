// Disk usage of a directory tree, for ImageFsInfo/ContainerFsInfo and container stats.
#pragma once

#include <cstdint>
#include <string>

#include "libs/status/status.h"

namespace cria::storage::store {

struct Usage {
  uint64_t bytes = 0;   // allocated blocks, as du counts them
  uint64_t inodes = 0;  // each inode once, however many links it has
};

// Walks `dir` without following symlinks or crossing mounts. A missing dir is zero.
Result<Usage> MeasureTree(const std::string& dir);

}  // namespace cria::storage::store

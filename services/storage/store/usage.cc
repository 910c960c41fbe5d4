#include "services/storage/store/usage.h"

#include <ftw.h>
#include <sys/stat.h>

#include <cerrno>
#include <mutex>
#include <set>
#include <utility>

namespace cria::storage::store {
namespace {

// nftw has no user pointer: one walk at a time, guarded.
std::mutex walk_mu;
Usage* walk_usage = nullptr;
std::set<std::pair<dev_t, ino_t>>* walk_seen = nullptr;

int Visit(const char*, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_NS) return 0;
  if (st->st_nlink > 1 && !S_ISDIR(st->st_mode)) {
    if (!walk_seen->insert({st->st_dev, st->st_ino}).second) return 0;
  }
  walk_usage->bytes += static_cast<uint64_t>(st->st_blocks) * 512;
  walk_usage->inodes += 1;
  return 0;
}

}  // namespace

Result<Usage> MeasureTree(const std::string& dir) {
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Usage{};
    return ErrnoStatus(errno, "measure " + dir);
  }
  std::lock_guard<std::mutex> lock(walk_mu);
  Usage usage;
  std::set<std::pair<dev_t, ino_t>> seen;
  walk_usage = &usage;
  walk_seen = &seen;
  int rc = nftw(dir.c_str(), Visit, 64, FTW_PHYS | FTW_MOUNT);
  walk_usage = nullptr;
  walk_seen = nullptr;
  if (rc != 0) return ErrnoStatus(errno, "measure " + dir);
  return usage;
}

}  // namespace cria::storage::store

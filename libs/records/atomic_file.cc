#include "libs/records/atomic_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/cleanup/cleanup.h"

namespace cria::records {
namespace {

constexpr std::string_view kTempMarker = ".tmp-";
// O_EXCL collisions of 64 random bits are not expected; the bound only stops a runaway loop.
constexpr int kMaxTempAttempts = 8;

std::filesystem::path DirOf(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

// 16 hex digits. Only uniqueness matters (O_EXCL catches a collision), so when getrandom(2)
// is unavailable the time, pid and a counter do.
std::string RandomSuffix() {
  static std::atomic<uint64_t> counter{0};
  uint64_t value = 0;
  if (getrandom(&value, sizeof(value), GRND_NONBLOCK) != static_cast<ssize_t>(sizeof(value))) {
    value = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            (static_cast<uint64_t>(getpid()) << 32) ^ counter.fetch_add(1);
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(value));
  return hex;
}

Status WriteAll(int fd, std::string_view data, const std::string& file) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write " + file);
    }
    if (n == 0) return Status(StatusCode::kInternal, "write " + file + ": write(2) returned 0");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

}  // namespace

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data, mode_t mode,
                       Durability durability) {
  const std::string base = path.filename().string();
  if (base.empty() || base == "." || base == "..") {
    return Status(StatusCode::kInvalidArgument,
                  "write " + path.string() + " atomically: the path does not name a file");
  }
  const std::filesystem::path dir = DirOf(path);

  std::string temp;
  int fd = -1;
  for (int attempt = 1; fd < 0; ++attempt) {
    temp = (dir / ("." + base + std::string(kTempMarker) + RandomSuffix())).string();
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && (errno != EEXIST || attempt >= kMaxTempAttempts)) {
      return ErrnoStatus(errno, "create temp file " + temp + " to write " + path.string());
    }
  }
  bool temp_exists = true;
  absl::Cleanup remove_temp = [&] {
    if (fd >= 0) close(fd);
    if (temp_exists) unlink(temp.c_str());
  };

  // open(2) applies the umask; the caller asked for exactly `mode`.
  if (fchmod(fd, mode) != 0) return ErrnoStatus(errno, "chmod " + temp);
  CRIA_RETURN_IF_ERROR(WriteAll(fd, data, temp), "");
  const bool durable = durability == Durability::kDurable;
  if (durable && fsync(fd) != 0) return ErrnoStatus(errno, "fsync " + temp);
  const int close_result = close(fd);
  fd = -1;
  if (close_result != 0) return ErrnoStatus(errno, "close " + temp);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(errno, "rename " + temp + " to " + path.string());
  }
  temp_exists = false;
  if (durable) {
    CRIA_RETURN_IF_ERROR(SyncDir(dir), "after renaming " + temp + " to " + path.string());
  }
  return OkStatus();
}

Status RemoveFile(const std::filesystem::path& path) {
  if (unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return OkStatus();
    return ErrnoStatus(errno, "remove " + path.string());
  }
  CRIA_RETURN_IF_ERROR(SyncDir(DirOf(path)), "after removing " + path.string());
  return OkStatus();
}

Status SyncDir(const std::filesystem::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory " + dir.string() + " to fsync it");
  Status status = OkStatus();
  if (fsync(fd) != 0) status = ErrnoStatus(errno, "fsync directory " + dir.string());
  close(fd);
  return status;
}

bool IsAtomicTempName(std::string_view file_name) {
  // ".<base>.tmp-<random>": the marker follows the leading dot and a base name.
  return file_name.size() > 1 && file_name[0] == '.' &&
         file_name.find(kTempMarker, 1) != std::string_view::npos;
}

}  // namespace cria::records

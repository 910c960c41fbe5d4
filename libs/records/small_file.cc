#include "libs/records/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "absl/cleanup/cleanup.h"

namespace cria::records {
namespace {

Status TooLarge(const std::filesystem::path& path, size_t size, size_t max_bytes) {
  return Status(StatusCode::kOutOfRange, "read " + path.string() + ": the file is " +
                                             std::to_string(size) + " bytes, over the limit of " +
                                             std::to_string(max_bytes) + " bytes");
}

}  // namespace

Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus(errno, "open " + path.string());
  absl::Cleanup close_fd = [fd] { close(fd); };

  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat " + path.string());
  if (!S_ISREG(st.st_mode)) {
    return Status(StatusCode::kFailedPrecondition,
                  "read " + path.string() + ": not a regular file");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size > max_bytes) return TooLarge(path, size, max_bytes);

  // Read until EOF rather than trusting st_size: the file may change under us. One byte past
  // the limit is enough to know it is too large.
  std::string content;
  content.resize(size + 1);
  size_t used = 0;
  while (true) {
    if (used == content.size()) {
      if (content.size() > max_bytes) {
        return Status(StatusCode::kOutOfRange, "read " + path.string() +
                                                   ": the file grew past the limit of " +
                                                   std::to_string(max_bytes) + " bytes");
      }
      content.resize(std::min(content.size() * 2 + 1, max_bytes + 1));
    }
    const ssize_t n = read(fd, content.data() + used, content.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read " + path.string());
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  content.resize(used);
  return content;
}

}  // namespace cria::records

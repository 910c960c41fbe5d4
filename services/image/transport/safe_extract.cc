// Safe tar extraction: every name is checked lexically, and only files and directories are
// made, through openat/mkdirat with O_NOFOLLOW under a directory fd, so nothing can escape.
#include "services/image/transport/safe_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>
#include <vector>

#include "libs/archive/archive_error.h"
#include "libs/fd/unique_fd.h"

namespace cria::image::transport {
namespace {

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string EntryName(archive_entry* entry) {
  const char* name = archive_entry_pathname(entry);
  return name != nullptr ? name : "(unnamed)";
}

Status Refuse(const std::string& archive_path, const std::string& entry, const std::string& why) {
  return absl::InvalidArgumentError("archive " + archive_path + ": entry \"" + entry +
                                    "\": " + why);
}

// The components of `name`, without empty and "." ones; an error for absolute names and "..".
Result<std::vector<std::string>> SplitName(const std::string& archive_path,
                                           const std::string& name) {
  if (name.empty()) return Refuse(archive_path, name, "empty name");
  if (name[0] == '/') return Refuse(archive_path, name, "absolute name");
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string_view part(name.data() + start, end - start);
    if (part == "..") return Refuse(archive_path, name, "\"..\" in the name");
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

// Opens (creating as needed) the directory `parts[0..count)` under `root`.
Result<UniqueFd> OpenDirs(int root, const std::vector<std::string>& parts, size_t count,
                          const std::string& what) {
  UniqueFd dir(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  if (!dir.Valid()) return ErrnoStatus(errno, what);
  for (size_t i = 0; i < count; ++i) {
    if (::mkdirat(dir.Get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, what + ": mkdir " + parts[i]);
    }
    UniqueFd next(
        ::openat(dir.Get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.Valid()) return ErrnoStatus(errno, what + ": open directory " + parts[i]);
    dir = std::move(next);
  }
  return dir;
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, what);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

class Extractor {
 public:
  Extractor(const std::string& archive_path, int root, const ExtractOptions& options)
      : archive_path_(archive_path), root_(root), options_(options) {}

  Status Entry(archive* a, archive_entry* entry) {
    const std::string name = EntryName(entry);
    if (options_.max_entries != 0 && ++entries_ > options_.max_entries) {
      return absl::ResourceExhaustedError("archive " + archive_path_ + ": more than " +
                                          std::to_string(options_.max_entries) + " entries");
    }
    if (archive_entry_hardlink(entry) != nullptr) {
      return Refuse(archive_path_, name, "hardlinks are not allowed in image archives");
    }
    const mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) {
      return Refuse(archive_path_, name, "symlinks are not allowed in image archives");
    }
    if (type != AE_IFREG && type != AE_IFDIR) {
      return Refuse(archive_path_, name, "only regular files and directories are allowed");
    }
    CRIA_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitName(archive_path_, name), "");
    const std::string what = "extract " + archive_path_ + " entry \"" + name + "\"";
    if (type == AE_IFDIR) {
      CRIA_ASSIGN_OR_RETURN(UniqueFd dir, OpenDirs(root_, parts, parts.size(), what), "");
      return OkStatus();
    }
    if (parts.empty()) return Refuse(archive_path_, name, "a file without a name");
    CRIA_ASSIGN_OR_RETURN(UniqueFd dir, OpenDirs(root_, parts, parts.size() - 1, what), "");
    UniqueFd file(::openat(dir.Get(), parts.back().c_str(),
                           O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file.Valid()) return ErrnoStatus(errno, what + ": create");
    char buffer[256 * 1024];
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
      if (n < 0) {
        return absl::InvalidArgumentError(what + ": " + ArchiveErrorText(a));
      }
      if (n == 0) break;
      total_ += static_cast<uint64_t>(n);
      if (options_.max_total_bytes != 0 && total_ > options_.max_total_bytes) {
        return absl::ResourceExhaustedError("archive " + archive_path_ + ": content exceeds " +
                                            std::to_string(options_.max_total_bytes) + " bytes");
      }
      CRIA_RETURN_IF_ERROR(WriteAll(file.Get(), buffer, static_cast<size_t>(n), what), "");
    }
    if (::close(file.Release()) != 0) return ErrnoStatus(errno, what + ": close");
    return OkStatus();
  }

 private:
  const std::string& archive_path_;
  int root_;
  ExtractOptions options_;
  uint64_t entries_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

Status ExtractArchive(const std::string& archive_path, const std::string& dest_dir,
                      const ExtractOptions& options) {
  UniqueFd archive_fd(::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!archive_fd.Valid()) return ErrnoStatus(errno, "open " + archive_path);
  struct stat st;
  if (::fstat(archive_fd.Get(), &st) != 0) return ErrnoStatus(errno, "stat " + archive_path);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError("archive " + archive_path + " is not a regular file");
  }
  UniqueFd root(::open(dest_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.Valid()) return ErrnoStatus(errno, "open " + dest_dir);

  std::unique_ptr<archive, ReadDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  if (archive_read_open_fd(a.get(), archive_fd.Get(), 256 * 1024) != ARCHIVE_OK) {
    return absl::InvalidArgumentError("archive " + archive_path + ": " + ArchiveErrorText(a.get()));
  }
  Extractor extractor(archive_path, root.Get(), options);
  while (true) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return absl::InvalidArgumentError("archive " + archive_path + ": " +
                                        ArchiveErrorText(a.get()));
    }
    CRIA_RETURN_IF_ERROR(extractor.Entry(a.get(), entry), "");
  }
  return OkStatus();
}

}  // namespace cria::image::transport

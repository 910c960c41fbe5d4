// libarchive tar writing for test layers.
#include "services/image/testing/layer_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <vector>

#include "libs/digest/digest.h"

namespace cria::image::testing {
namespace {

constexpr size_t kChunk = 256 * 1024;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// What the libarchive write callback feeds: the diffID hasher and the compressor.
struct TarOutput {
  digest::DigestHasher diff_hasher = digest::DigestHasher::Sha256();
  int64_t tar_size = 0;
  Compressor* compressor = nullptr;
  Status status;
};

la_ssize_t WriteCallback(archive*, void* client, const void* buffer, size_t length) {
  auto* out = static_cast<TarOutput*>(client);
  out->diff_hasher.Update(buffer, length);
  out->tar_size += static_cast<int64_t>(length);
  out->status = out->compressor->Write(static_cast<const char*>(buffer), length);
  return out->status.ok() ? static_cast<la_ssize_t>(length) : -1;
}

Status ArchiveError(archive* a, const std::string& what) {
  return absl::InternalError(what + ": " +
                             (archive_error_string(a) ? archive_error_string(a) : "unknown error"));
}

Status WriteData(archive* a, const LayerEntry& entry, const char* data, size_t size) {
  if (size == 0) return OkStatus();
  const la_ssize_t n = archive_write_data(a, data, size);
  if (n < 0 || static_cast<size_t>(n) != size) {
    return ArchiveError(a, "write data of " + entry.path);
  }
  return OkStatus();
}

// The content of a kFile entry, streamed into the archive; the size is set beforehand.
Status WriteFileData(archive* a, const LayerEntry& entry) {
  if (!entry.host_path.empty()) {
    const int fd = ::open(entry.host_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open " + entry.host_path);
    std::vector<char> buffer(kChunk);
    Status status;
    while (status.ok()) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) status = ErrnoStatus(errno, "read " + entry.host_path);
      if (n <= 0) break;
      status = WriteData(a, entry, buffer.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    return status;
  }
  if (entry.generated.size > 0) {
    ContentGenerator generator(entry.generated);
    std::vector<char> buffer(kChunk);
    while (size_t n = generator.Next(buffer.data(), buffer.size())) {
      CRIA_RETURN_IF_ERROR(WriteData(a, entry, buffer.data(), n), "");
    }
    return OkStatus();
  }
  return WriteData(a, entry, entry.content.data(), entry.content.size());
}

Result<int64_t> FileSize(const LayerEntry& entry) {
  if (!entry.host_path.empty()) {
    struct stat st;
    if (::stat(entry.host_path.c_str(), &st) != 0) {
      return ErrnoStatus(errno, "stat " + entry.host_path);
    }
    return static_cast<int64_t>(st.st_size);
  }
  if (entry.generated.size > 0) return static_cast<int64_t>(entry.generated.size);
  return static_cast<int64_t>(entry.content.size());
}

Status WriteEntry(archive* a, const LayerEntry& entry, int64_t mtime) {
  std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
  archive_entry_set_pathname(e.get(), entry.path.c_str());
  archive_entry_set_mtime(e.get(), mtime, 0);
  archive_entry_set_uid(e.get(), entry.uid);
  archive_entry_set_gid(e.get(), entry.gid);
  archive_entry_set_perm(e.get(), entry.mode & 07777);
  int64_t size = 0;
  switch (entry.kind) {
    case LayerEntry::Kind::kFile: {
      CRIA_ASSIGN_OR_RETURN(size, FileSize(entry), "layer entry " + entry.path);
      archive_entry_set_filetype(e.get(), AE_IFREG);
      break;
    }
    case LayerEntry::Kind::kDir:
      archive_entry_set_filetype(e.get(), AE_IFDIR);
      break;
    case LayerEntry::Kind::kSymlink:
      archive_entry_set_filetype(e.get(), AE_IFLNK);
      archive_entry_set_symlink(e.get(), entry.link_target.c_str());
      break;
    case LayerEntry::Kind::kHardlink:
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_hardlink(e.get(), entry.link_target.c_str());
      break;
  }
  archive_entry_set_size(e.get(), size);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK) {
    return ArchiveError(a, "write header of " + entry.path);
  }
  if (entry.kind == LayerEntry::Kind::kFile) {
    CRIA_RETURN_IF_ERROR(WriteFileData(a, entry), "layer entry " + entry.path);
  }
  return OkStatus();
}

}  // namespace

Result<LayerBlobInfo> WriteLayer(const LayerSpec& spec, const ByteSink& sink) {
  LayerBlobInfo info;
  digest::DigestHasher blob_hasher = digest::DigestHasher::Sha256();
  ByteSink counting = [&](const char* data, size_t size) {
    blob_hasher.Update(data, size);
    info.size += static_cast<int64_t>(size);
    return sink(data, size);
  };
  const int level = spec.compression == Compression::kZstd ? spec.zstd_level : spec.gzip_level;
  CRIA_ASSIGN_OR_RETURN(std::unique_ptr<Compressor> compressor,
                        NewCompressor(spec.compression, level, counting), "write layer");
  TarOutput output;
  output.compressor = compressor.get();

  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open2(a.get(), &output, nullptr, WriteCallback, nullptr, nullptr) !=
      ARCHIVE_OK) {
    return ArchiveError(a.get(), "open tar writer");
  }
  for (const LayerEntry& entry : spec.entries) {
    Status status = WriteEntry(a.get(), entry, spec.mtime);
    if (!output.status.ok()) return Annotate(output.status, "write layer");
    CRIA_RETURN_IF_ERROR(status, "write layer");
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    if (!output.status.ok()) return Annotate(output.status, "write layer");
    return ArchiveError(a.get(), "close tar writer");
  }
  CRIA_RETURN_IF_ERROR(compressor->Finish(), "write layer");
  info.diff_id = output.diff_hasher.Finish();
  info.tar_size = output.tar_size;
  info.digest = blob_hasher.Finish();
  return info;
}

Result<LayerBlobInfo> WriteLayerFile(const LayerSpec& spec, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create " + path);
  ByteSink sink = [&](const char* data, size_t size) -> Status {
    while (size > 0) {
      const ssize_t n = ::write(fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus(errno, "write " + path);
      data += n;
      size -= static_cast<size_t>(n);
    }
    return OkStatus();
  };
  Result<LayerBlobInfo> info = WriteLayer(spec, sink);
  if (::close(fd) != 0 && info.ok()) return ErrnoStatus(errno, "close " + path);
  return info;
}

Result<LayerSpec> SpecOfDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    paths.push_back(it->path());
  }
  if (ec) return absl::InternalError("list " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  LayerSpec spec;
  spec.compression = Compression::kNone;
  for (const fs::path& path : paths) {
    const std::string relative = fs::relative(path, dir).generic_string();
    const fs::file_status status = fs::symlink_status(path, ec);
    if (fs::is_directory(status)) {
      spec.Dir(relative);
    } else if (fs::is_regular_file(status)) {
      spec.HostFile(relative, path.string(), 0644);
    }
  }
  return spec;
}

}  // namespace cria::image::testing

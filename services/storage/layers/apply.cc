// ApplyLayer: blob → decompressor (decompress.h) → hashed, counted tar stream
// (tar_input.h) → libarchive → one EntryWriter call per entry (entry_writer.h) → the
// rest of the stream drained for the diffID → directory times → diffID check.
#include "services/storage/layers/apply.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <cerrno>
#include <memory>

#include "libs/archive/archive_error.h"
#include "libs/fd/unique_fd.h"
#include "services/storage/layers/decompress.h"
#include "services/storage/layers/entry_writer.h"
#include "services/storage/layers/tar_input.h"

namespace cria::storage::layers {
namespace {

struct ArchiveFree {
  void operator()(struct archive* reader) const { archive_read_free(reader); }
};

Result<ApplyResult> Apply(const std::string& blob_path, const std::string& root,
                          const ApplyOptions& options) {
  UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.Valid()) return ErrnoStatus(errno, "open root " + root);
  CRIA_ASSIGN_OR_RETURN(std::unique_ptr<Decompressor> source, OpenDecompressor(blob_path), "");
  TarInput input(std::move(source));
  std::unique_ptr<struct archive, ArchiveFree> reader(archive_read_new());
  if (reader == nullptr) return absl::ResourceExhaustedError("libarchive: cannot create a reader");
  archive_read_support_format_tar(reader.get());
  CRIA_RETURN_IF_ERROR(input.OpenArchive(reader.get()), "");

  EntryWriter writer(root_fd.Get(), options);
  ApplyResult result;
  while (true) {
    struct archive_entry* entry;
    int r = archive_read_next_header(reader.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      // A decompression error surfaces as a libarchive read error; report the cause.
      if (!input.error().ok()) return input.error();
      return absl::InvalidArgumentError("read tar header: " + ArchiveErrorText(reader.get()));
    }
    ++result.entries;
    Status status = writer.Write(reader.get(), entry);
    if (!status.ok()) return input.error().ok() ? status : input.error();
  }
  CRIA_RETURN_IF_ERROR(input.DrainToEnd(), "");
  CRIA_RETURN_IF_ERROR(writer.Finish(), "");
  CRIA_ASSIGN_OR_RETURN(result.diff_id, input.Finish(), "");
  result.uncompressed_size = input.size();
  if (!options.expected_diff_id.empty() && result.diff_id != options.expected_diff_id) {
    return absl::InvalidArgumentError("diffID " + result.diff_id + " does not match the expected " +
                                      options.expected_diff_id);
  }
  return result;
}

}  // namespace

Result<ApplyResult> ApplyLayer(const std::string& blob_path, const std::string& root,
                               const ApplyOptions& options) {
  Result<ApplyResult> result = Apply(blob_path, root, options);
  if (!result.ok()) return Annotate(result.status(), "layer " + blob_path);
  return result;
}

}  // namespace cria::storage::layers

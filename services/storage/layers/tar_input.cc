#include "services/storage/layers/tar_input.h"

#include "libs/archive/archive_error.h"

namespace cria::storage::layers {
namespace {

constexpr size_t kChunkSize = 1024 * 1024;

}  // namespace

TarInput::TarInput(std::unique_ptr<Decompressor> source)
    : source_(std::move(source)), buffer_(kChunkSize) {}

Status TarInput::OpenArchive(struct archive* reader) {
  if (archive_read_open(reader, this, nullptr, &TarInput::ReadCallback, nullptr) != ARCHIVE_OK) {
    if (!error_.ok()) return error_;
    return absl::InvalidArgumentError("not a tar stream: " + ArchiveErrorText(reader));
  }
  return OkStatus();
}

Result<size_t> TarInput::ReadChunk() {
  // The decompressors' messages name their format already.
  CRIA_ASSIGN_OR_RETURN(size_t n, source_->Read(buffer_.data(), buffer_.size()), "");
  sha256_.Update(buffer_.data(), n);
  size_ += n;
  return n;
}

la_ssize_t TarInput::ReadCallback(struct archive* reader, void* self, const void** buffer) {
  auto* input = static_cast<TarInput*>(self);
  Result<size_t> n = input->ReadChunk();
  if (!n.ok()) {
    if (input->error_.ok()) input->error_ = n.status();
    archive_set_error(reader, EIO, "%s", MessageOf(n.status()).c_str());
    return -1;
  }
  *buffer = input->buffer_.data();
  return static_cast<la_ssize_t>(*n);
}

Status TarInput::DrainToEnd() {
  if (!error_.ok()) return error_;
  while (true) {
    CRIA_ASSIGN_OR_RETURN(size_t n, ReadChunk(), "");
    if (n == 0) return OkStatus();
  }
}

}  // namespace cria::storage::layers

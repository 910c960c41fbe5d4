#include "services/storage/layers/decompress.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <vector>

#include "libs/fd/unique_fd.h"

namespace cria::storage::layers {
namespace {

constexpr size_t kInputBufferSize = 256 * 1024;

// Buffered reads from the blob file; the buffer is shared with the decoder above it.
class FileInput {
 public:
  explicit FileInput(UniqueFd fd) : fd_(std::move(fd)), buffer_(kInputBufferSize) {}

  // Makes input available when none is left; false at end of file.
  Result<bool> Fill() {
    if (pos_ < end_) return true;
    if (eof_) return false;
    ssize_t n;
    do {
      n = ::read(fd_.Get(), buffer_.data(), buffer_.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return ErrnoStatus(errno, "read blob");
    pos_ = 0;
    end_ = static_cast<size_t>(n);
    if (n == 0) eof_ = true;
    return n > 0;
  }

  uint8_t* data() { return buffer_.data() + pos_; }
  size_t available() const { return end_ - pos_; }
  void Consume(size_t n) { pos_ += n; }

 private:
  UniqueFd fd_;
  std::vector<uint8_t> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

class PlainDecompressor : public Decompressor {
 public:
  explicit PlainDecompressor(FileInput input) : input_(std::move(input)) {}

  Result<size_t> Read(uint8_t* out, size_t capacity) override {
    CRIA_ASSIGN_OR_RETURN(bool more, input_.Fill(), "tar");
    if (!more) return 0;
    size_t n = std::min(capacity, input_.available());
    std::copy_n(input_.data(), n, out);
    input_.Consume(n);
    return n;
  }
  Compression compression() const override { return Compression::kNone; }

 private:
  FileInput input_;
};

// gzip through ISA-L. Concatenated members are decoded one after another (as gzip -d
// does); bytes after the last member that do not start another member are ignored.
class GzipDecompressor : public Decompressor {
 public:
  explicit GzipDecompressor(FileInput input) : input_(std::move(input)) {
    state_ = std::make_unique<inflate_state>();
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }

  Result<size_t> Read(uint8_t* out, size_t capacity) override {
    while (true) {
      if (state_->block_state == ISAL_BLOCK_FINISH) {
        // A member ended: another may follow.
        CRIA_ASSIGN_OR_RETURN(bool more, input_.Fill(), "gzip");
        if (!more || input_.available() < 2 || input_.data()[0] != 0x1f ||
            input_.data()[1] != 0x8b) {
          done_ = true;
        } else {
          isal_inflate_reset(state_.get());
          state_->crc_flag = ISAL_GZIP;
        }
      }
      if (done_) return 0;
      state_->next_in = input_.data();
      state_->avail_in = static_cast<uint32_t>(input_.available());
      state_->next_out = out;
      state_->avail_out = static_cast<uint32_t>(std::min<size_t>(capacity, UINT32_MAX));
      int ret = isal_inflate(state_.get());
      input_.Consume(input_.available() - state_->avail_in);
      if (ret < 0 || ret == ISAL_NEED_DICT) {
        return absl::InvalidArgumentError("gzip stream is corrupt (isal_inflate error " +
                                          std::to_string(ret) + ")");
      }
      size_t produced = capacity - state_->avail_out;
      if (produced > 0) return produced;
      if (state_->block_state == ISAL_BLOCK_FINISH) continue;
      // Nothing came out and nothing is buffered: the decoder needs more input.
      if (input_.available() == 0) {
        CRIA_ASSIGN_OR_RETURN(bool more, input_.Fill(), "gzip");
        if (!more) {
          return absl::DataLossError("gzip stream is truncated (ends before the end of its data)");
        }
      }
    }
  }
  Compression compression() const override { return Compression::kGzip; }

 private:
  FileInput input_;
  std::unique_ptr<inflate_state> state_;  // Large (tens of KiB): keep it off the stack.
  bool done_ = false;
};

class ZstdDecompressor : public Decompressor {
 public:
  explicit ZstdDecompressor(FileInput input)
      : input_(std::move(input)), stream_(ZSTD_createDStream()) {}
  ~ZstdDecompressor() override { ZSTD_freeDStream(stream_); }

  Result<size_t> Read(uint8_t* out, size_t capacity) override {
    if (stream_ == nullptr) return absl::ResourceExhaustedError("zstd: cannot create a stream");
    while (true) {
      ZSTD_inBuffer in{input_.data(), input_.available(), 0};
      ZSTD_outBuffer outbuf{out, capacity, 0};
      size_t ret = ZSTD_decompressStream(stream_, &outbuf, &in);
      input_.Consume(in.pos);
      if (ZSTD_isError(ret)) {
        return absl::InvalidArgumentError(std::string("zstd stream is corrupt: ") +
                                          ZSTD_getErrorName(ret));
      }
      // 0 means a frame was completely decoded and flushed; another may follow. A call that
      // moved nothing says nothing new (it returns the next frame's header size).
      if (ret == 0 || in.pos > 0 || outbuf.pos > 0) frame_open_ = ret != 0;
      if (outbuf.pos > 0) return outbuf.pos;
      if (input_.available() == 0) {
        CRIA_ASSIGN_OR_RETURN(bool more, input_.Fill(), "zstd");
        if (!more) {
          if (frame_open_) {
            return absl::DataLossError(
                "zstd stream is truncated (ends before the end of its frame)");
          }
          return 0;
        }
      }
    }
  }
  Compression compression() const override { return Compression::kZstd; }

 private:
  FileInput input_;
  ZSTD_DStream* stream_;
  bool frame_open_ = false;
};

}  // namespace

Compression DetectCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0x1f &&
      static_cast<uint8_t>(head[1]) == 0x8b) {
    return Compression::kGzip;
  }
  if (head.size() >= 4 && static_cast<uint8_t>(head[0]) == 0x28 &&
      static_cast<uint8_t>(head[1]) == 0xb5 && static_cast<uint8_t>(head[2]) == 0x2f &&
      static_cast<uint8_t>(head[3]) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "tar";
}

Result<std::unique_ptr<Decompressor>> OpenDecompressor(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + path);
  char head[4];
  ssize_t n;
  do {
    n = ::pread(fd.Get(), head, sizeof(head), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoStatus(errno, "read " + path);
  Compression compression = DetectCompression(std::string_view(head, static_cast<size_t>(n)));
  FileInput input(std::move(fd));
  switch (compression) {
    case Compression::kGzip:
      return std::unique_ptr<Decompressor>(new GzipDecompressor(std::move(input)));
    case Compression::kZstd:
      return std::unique_ptr<Decompressor>(new ZstdDecompressor(std::move(input)));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<Decompressor>(new PlainDecompressor(std::move(input)));
}

}  // namespace cria::storage::layers

// Compressors on zlib and libzstd.
#include "services/image/testing/compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <string>
#include <utility>
#include <vector>

namespace cria::image::testing {
namespace {

constexpr size_t kOutChunk = 256 * 1024;

class PassThrough : public Compressor {
 public:
  explicit PassThrough(ByteSink sink) : sink_(std::move(sink)) {}
  Status Write(const char* data, size_t size) override { return sink_(data, size); }
  Status Finish() override { return OkStatus(); }

 private:
  ByteSink sink_;
};

// gzip with zlib: the header zlib writes for windowBits 16+15 has mtime 0 and no name, so
// the output depends only on the input and the level.
class GzipCompressor : public Compressor {
 public:
  explicit GzipCompressor(ByteSink sink) : sink_(std::move(sink)), out_(kOutChunk) {}
  ~GzipCompressor() override {
    if (initialized_) deflateEnd(&stream_);
  }

  Status Init(int level) {
    if (deflateInit2(&stream_, level < 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 16 + 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return absl::InternalError("gzip: deflateInit2 failed");
    }
    initialized_ = true;
    return OkStatus();
  }
  Status Write(const char* data, size_t size) override { return Run(data, size, Z_NO_FLUSH); }
  Status Finish() override { return Run(nullptr, 0, Z_FINISH); }

 private:
  Status Run(const char* data, size_t size, int flush) {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    stream_.avail_in = static_cast<uInt>(size);
    while (true) {
      stream_.next_out = reinterpret_cast<Bytef*>(out_.data());
      stream_.avail_out = static_cast<uInt>(out_.size());
      const int rc = deflate(&stream_, flush);
      if (rc == Z_STREAM_ERROR) return absl::InternalError("gzip: deflate failed");
      const size_t produced = out_.size() - stream_.avail_out;
      if (produced > 0) CRIA_RETURN_IF_ERROR(sink_(out_.data(), produced), "gzip output");
      if (flush == Z_FINISH ? rc == Z_STREAM_END
                            : stream_.avail_in == 0 && produced < out_.size()) {
        return OkStatus();
      }
    }
  }

  ByteSink sink_;
  std::vector<char> out_;
  z_stream stream_{};
  bool initialized_ = false;
};

class ZstdCompressor : public Compressor {
 public:
  explicit ZstdCompressor(ByteSink sink) : sink_(std::move(sink)), out_(ZSTD_CStreamOutSize()) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }

  Status Init(int level) {
    ctx_ = ZSTD_createCCtx();
    if (ctx_ == nullptr) return absl::InternalError("zstd: ZSTD_createCCtx failed");
    const size_t rc = ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level < 0 ? 3 : level);
    if (ZSTD_isError(rc)) {
      return absl::InternalError(std::string("zstd: set level: ") + ZSTD_getErrorName(rc));
    }
    return OkStatus();
  }
  Status Write(const char* data, size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) CRIA_RETURN_IF_ERROR(Step(in, ZSTD_e_continue, nullptr), "zstd");
    return OkStatus();
  }
  Status Finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    bool done = false;
    while (!done) CRIA_RETURN_IF_ERROR(Step(in, ZSTD_e_end, &done), "zstd");
    return OkStatus();
  }

 private:
  Status Step(ZSTD_inBuffer& in, ZSTD_EndDirective mode, bool* done) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
    if (ZSTD_isError(left)) {
      return absl::InternalError(std::string("compress: ") + ZSTD_getErrorName(left));
    }
    if (out.pos > 0) CRIA_RETURN_IF_ERROR(sink_(out_.data(), out.pos), "output");
    if (done != nullptr) *done = left == 0;
    return OkStatus();
  }

  ByteSink sink_;
  std::vector<char> out_;
  ZSTD_CCtx* ctx_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Compressor>> NewCompressor(Compression compression, int level,
                                                  ByteSink sink) {
  switch (compression) {
    case Compression::kNone:
      return std::unique_ptr<Compressor>(new PassThrough(std::move(sink)));
    case Compression::kGzip: {
      auto gzip = std::make_unique<GzipCompressor>(std::move(sink));
      CRIA_RETURN_IF_ERROR(gzip->Init(level), "new compressor");
      return std::unique_ptr<Compressor>(std::move(gzip));
    }
    case Compression::kZstd: {
      auto zstd = std::make_unique<ZstdCompressor>(std::move(sink));
      CRIA_RETURN_IF_ERROR(zstd->Init(level), "new compressor");
      return std::unique_ptr<Compressor>(std::move(zstd));
    }
  }
  return absl::InvalidArgumentError("unknown compression");
}

}  // namespace cria::image::testing

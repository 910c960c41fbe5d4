// Test-only description of one image layer: the entries of its tar (files, directories,
// symlinks, hardlinks, whiteouts) and how the tar is compressed. Contents can be literal,
// copied from a host file, or generated on the fly (so a 1 GiB layer never sits in memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cria::image::testing {

enum class Compression { kNone, kGzip, kZstd };

// The fixed mtime of every entry unless a layer sets another (2024-01-01T00:00:00Z), so the
// same spec always gives the same bytes.
inline constexpr int64_t kDefaultMtime = 1704067200;

// Deterministic pseudo-random content: `size` bytes from `seed`, where about a
// `compressibility` (0..1) share of each 4 KiB block is repeated text and the rest random.
struct GeneratedContent {
  uint64_t size = 0;
  uint64_t seed = 0;
  double compressibility = 0.5;
};

struct LayerEntry {
  enum class Kind { kFile, kDir, kSymlink, kHardlink };
  Kind kind = Kind::kFile;
  std::string path;  // inside the layer, no leading '/': "bin/sh"; written as given
  // kFile: the content is `content`, or the host file `host_path` when set, or `generated`
  // when generated.size > 0.
  std::string content;
  std::string host_path;
  GeneratedContent generated;
  std::string link_target;  // kSymlink: the link text; kHardlink: the path it links to
  uint32_t mode = 0644;     // permission bits (and setuid/setgid/sticky)
  int64_t uid = 0, gid = 0;
};

struct LayerSpec {
  std::vector<LayerEntry> entries;
  Compression compression = Compression::kGzip;
  int gzip_level = -1;  // zlib's default (6) when -1
  int zstd_level = 3;
  int64_t mtime = kDefaultMtime;
  std::string created_by;  // the config history entry; a default names the layer index
  // Overrides the manifest's layer media type (for bad-input tests); normally empty.
  std::string media_type_override;

  // Appenders, for brevity in tests: spec.Dir("etc").File("etc/motd", "hi\n").
  LayerSpec& Dir(std::string path, uint32_t mode = 0755, int64_t uid = 0, int64_t gid = 0);
  LayerSpec& File(std::string path, std::string content, uint32_t mode = 0644, int64_t uid = 0,
                  int64_t gid = 0);
  LayerSpec& HostFile(std::string path, std::string host_path, uint32_t mode = 0755);
  LayerSpec& Generated(std::string path, GeneratedContent content, uint32_t mode = 0644);
  LayerSpec& Symlink(std::string path, std::string target);
  LayerSpec& Hardlink(std::string path, std::string target);
  // Deletes `path` of a lower layer: the entry "<dir>/.wh.<name>".
  LayerSpec& Whiteout(const std::string& path);
  // Hides everything lower layers have in directory `dir`: "<dir>/.wh..wh..opq".
  LayerSpec& OpaqueWhiteout(const std::string& dir);
};

// Where the builder finds busybox-static.
inline constexpr char kBusyboxPath[] = "/bin/busybox";

// A minimal runnable root: bin/busybox (copied from kBusyboxPath) with symlinks bin/sh,
// echo, sleep, cat, ls, id, true, false, unshare; etc/passwd and etc/group with root (0),
// app (1000:1000, home /home/app) and nobody (65534); tmp (1777) and home/app (owned by app).
LayerSpec BusyboxLayer(Compression compression = Compression::kGzip);

// A big layer for benchmarks: about `total_bytes` in files of `file_bytes` (the last one
// smaller) spread over directories of 64 files, with generated content of the given
// compressibility; file i uses seed `seed + i`.
LayerSpec RandomFilesLayer(uint64_t total_bytes, uint64_t file_bytes, uint64_t seed,
                           double compressibility, Compression compression = Compression::kGzip);

// Produces GeneratedContent chunk by chunk.
class ContentGenerator {
 public:
  explicit ContentGenerator(const GeneratedContent& spec);
  // Fills up to `cap` bytes of `out`; returns how many (0 at the end).
  size_t Next(char* out, size_t cap);
  uint64_t remaining() const { return remaining_; }

 private:
  uint64_t NextRandom();
  uint64_t state_;
  uint64_t remaining_;
  uint64_t block_ = 0;  // index of the next 4 KiB block
  double compressibility_;
  std::string block_buffer_;
  size_t block_offset_ = 0;
};

}  // namespace cria::image::testing

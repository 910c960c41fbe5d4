// LayerSpec appenders, the busybox and random-files layers, and generated content.
#include "services/image/testing/layer_spec.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

namespace cria::image::testing {
namespace {

constexpr size_t kBlockBytes = 4096;

LayerEntry MakeEntry(LayerEntry::Kind kind, std::string path, uint32_t mode) {
  LayerEntry entry;
  entry.kind = kind;
  entry.path = std::move(path);
  entry.mode = mode;
  return entry;
}

// "a/b/c" → {"a/b", "c"}; "c" → {"", "c"}.
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

}  // namespace

LayerSpec& LayerSpec::Dir(std::string path, uint32_t mode, int64_t uid, int64_t gid) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kDir, std::move(path), mode);
  entry.uid = uid;
  entry.gid = gid;
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::File(std::string path, std::string content, uint32_t mode, int64_t uid,
                           int64_t gid) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kFile, std::move(path), mode);
  entry.content = std::move(content);
  entry.uid = uid;
  entry.gid = gid;
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::HostFile(std::string path, std::string host_path, uint32_t mode) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kFile, std::move(path), mode);
  entry.host_path = std::move(host_path);
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::Generated(std::string path, GeneratedContent content, uint32_t mode) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kFile, std::move(path), mode);
  entry.generated = content;
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::Symlink(std::string path, std::string target) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kSymlink, std::move(path), 0777);
  entry.link_target = std::move(target);
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::Hardlink(std::string path, std::string target) {
  LayerEntry entry = MakeEntry(LayerEntry::Kind::kHardlink, std::move(path), 0644);
  entry.link_target = std::move(target);
  entries.push_back(std::move(entry));
  return *this;
}

LayerSpec& LayerSpec::Whiteout(const std::string& path) {
  auto [dir, name] = SplitPath(path);
  return File(JoinPath(dir, ".wh." + name), "", 0);
}

LayerSpec& LayerSpec::OpaqueWhiteout(const std::string& dir) {
  return File(JoinPath(dir, ".wh..wh..opq"), "", 0);
}

LayerSpec BusyboxLayer(Compression compression) {
  LayerSpec spec;
  spec.compression = compression;
  spec.created_by = "busybox-static with applet links and users root, app, nobody";
  spec.Dir("bin").HostFile("bin/busybox", kBusyboxPath, 0755);
  for (const char* applet :
       {"sh", "echo", "sleep", "cat", "ls", "id", "true", "false", "unshare"}) {
    spec.Symlink(std::string("bin/") + applet, "busybox");
  }
  spec.Dir("etc")
      .File("etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\n"
            "app:x:1000:1000:app:/home/app:/bin/sh\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
      .File("etc/group",
            "root:x:0:\n"
            "app:x:1000:\n"
            "nobody:x:65534:\n")
      .Dir("root", 0700)
      .Dir("tmp", 01777)
      .Dir("home")
      .Dir("home/app", 0755, 1000, 1000);
  return spec;
}

LayerSpec RandomFilesLayer(uint64_t total_bytes, uint64_t file_bytes, uint64_t seed,
                           double compressibility, Compression compression) {
  LayerSpec spec;
  spec.compression = compression;
  spec.created_by = "random files: " + std::to_string(total_bytes) + " bytes";
  if (file_bytes == 0) file_bytes = 1;
  spec.Dir("data");
  uint64_t written = 0;
  for (uint64_t i = 0; written < total_bytes; ++i) {
    char dir[32], file[48];
    std::snprintf(dir, sizeof(dir), "data/d%04llu", static_cast<unsigned long long>(i / 64));
    if (i % 64 == 0) spec.Dir(dir);
    std::snprintf(file, sizeof(file), "%s/f%06llu.bin", dir, static_cast<unsigned long long>(i));
    const uint64_t size = std::min(file_bytes, total_bytes - written);
    spec.Generated(file, GeneratedContent{size, seed + i, compressibility});
    written += size;
  }
  return spec;
}

ContentGenerator::ContentGenerator(const GeneratedContent& spec)
    : state_(spec.seed * 0x2545f4914f6cdd1dULL + 1),
      remaining_(spec.size),
      compressibility_(std::clamp(spec.compressibility, 0.0, 1.0)) {}

// splitmix64: fast and good enough for test content.
uint64_t ContentGenerator::NextRandom() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

size_t ContentGenerator::Next(char* out, size_t cap) {
  size_t n = 0;
  while (n < cap && remaining_ > 0) {
    if (block_offset_ == block_buffer_.size()) {
      // A block: repeated text first, random bytes after.
      block_buffer_.resize(kBlockBytes);
      const size_t text = static_cast<size_t>(compressibility_ * kBlockBytes);
      char line[96];
      const int len = std::snprintf(line, sizeof(line),
                                    "block %08llu: generated test content for cria images.\n",
                                    static_cast<unsigned long long>(block_));
      for (size_t i = 0; i < text; ++i) block_buffer_[i] = line[i % len];
      for (size_t i = text; i < kBlockBytes; i += 8) {
        const uint64_t r = NextRandom();
        std::memcpy(&block_buffer_[i], &r, std::min<size_t>(8, kBlockBytes - i));
      }
      block_offset_ = 0;
      ++block_;
    }
    const size_t take = static_cast<size_t>(
        std::min<uint64_t>({cap - n, block_buffer_.size() - block_offset_, remaining_}));
    std::memcpy(out + n, block_buffer_.data() + block_offset_, take);
    block_offset_ += take;
    remaining_ -= take;
    n += take;
  }
  return n;
}

}  // namespace cria::image::testing

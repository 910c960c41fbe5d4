// libFuzzer target for the layer applier (issue 5): the input is a layer blob (gzip,
// zstd or plain tar, as the applier detects it), applied into a fresh empty root with
// overlay whiteouts and again, into another fresh root, with real deletions.
//
// The applier must never write outside the root. Each process works in a temp base
// ($TMPDIR or /tmp) holding only the blob, the root and a sentinel directory beside the
// root, which is also the working directory during each apply; after every input the
// sentinel must still be empty, the base must hold nothing else and the blob must be
// unchanged, or the target aborts so that libFuzzer reports the input.
//
// Built and run by tools/fuzz/run (clang, -fsanitize=fuzzer,address,undefined); needs
// root (the applier does mknod, chown and trusted.* xattrs).
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "services/storage/layers/apply.h"

namespace {

namespace layers = cria::storage::layers;

struct FuzzState {
  std::string base;      // per-process temp dir
  std::string blob;      // base/blob
  std::string root;      // base/root (created and removed per apply)
  std::string sentinel;  // base/sentinel: must stay empty
  int blob_fd = -1;
  int cwd_fd = -1;  // the working directory libFuzzer was started in
};

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "layer_apply_fuzzer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

int RemoveOne(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

// Removes `path` and everything below it, never following symlinks or crossing mounts.
void RemoveTree(const std::string& path) {
  if (::nftw(path.c_str(), RemoveOne, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0 &&
      errno != ENOENT) {
    Die(("remove " + path).c_str());
  }
}

void Cleanup();

FuzzState& State() {
  static FuzzState* state = [] {
    auto* s = new FuzzState;
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
    std::string pattern = dir + "/cria-layer-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    s->base = pattern;
    s->blob = s->base + "/blob";
    s->root = s->base + "/root";
    s->sentinel = s->base + "/sentinel";
    s->blob_fd = ::open(s->blob.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (s->blob_fd < 0) Die("create blob");
    if (::mkdir(s->sentinel.c_str(), 0755) != 0) Die("create sentinel");
    s->cwd_fd = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->cwd_fd < 0) Die("open the working directory");
    std::atexit(Cleanup);
    return s;
  }();
  return *state;
}

void Cleanup() { RemoveTree(State().base); }

// Aborts unless `dir` holds exactly the names in `allowed` (nullptr-terminated) or a
// subset of them.
void CheckOnly(const std::string& dir, const char* const* allowed) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) Die(("open " + dir).c_str());
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    bool ok = false;
    for (const char* const* a = allowed; *a != nullptr; ++a) {
      ok = ok || std::strcmp(e->d_name, *a) == 0;
    }
    if (!ok) {
      std::fprintf(stderr, "layer_apply_fuzzer: the layer wrote outside its root: %s/%s\n",
                   dir.c_str(), e->d_name);
      std::abort();
    }
  }
  ::closedir(d);
}

// Aborts unless base/blob is still the blob file written for this input, unchanged in size.
void CheckBlob(const FuzzState& s, size_t size) {
  struct stat by_fd, by_name;
  if (::fstat(s.blob_fd, &by_fd) != 0) Die("stat blob");
  if (::lstat(s.blob.c_str(), &by_name) != 0 || by_fd.st_ino != by_name.st_ino ||
      by_fd.st_dev != by_name.st_dev || static_cast<size_t>(by_fd.st_size) != size) {
    std::fprintf(stderr, "layer_apply_fuzzer: the layer replaced or changed the blob %s\n",
                 s.blob.c_str());
    std::abort();
  }
}

void ApplyOnce(const FuzzState& s, layers::WhiteoutMode mode, size_t size) {
  if (::mkdir(s.root.c_str(), 0755) != 0) Die("create root");
  layers::ApplyOptions options;
  options.whiteouts = mode;
  // Errors are expected for most inputs; only crashes and escapes count.
  // During the apply the working directory is the sentinel: anything written relative
  // to it is caught too. libFuzzer's own (maybe relative) paths are used in between.
  if (::chdir(s.sentinel.c_str()) != 0) Die("chdir sentinel");
  (void)layers::ApplyLayer(s.blob, s.root, options);
  if (::fchdir(s.cwd_fd) != 0) Die("chdir back");
  RemoveTree(s.root);
  static const char* const kNothing[] = {nullptr};
  static const char* const kBase[] = {"blob", "sentinel", nullptr};
  CheckOnly(s.sentinel, kNothing);
  CheckOnly(s.base, kBase);
  CheckBlob(s, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzState& s = State();
  if (::ftruncate(s.blob_fd, 0) != 0) Die("truncate blob");
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(s.blob_fd, data + done, size - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      Die("write blob");
    }
    done += static_cast<size_t>(n);
  }
  ApplyOnce(s, layers::WhiteoutMode::kOverlay, size);
  ApplyOnce(s, layers::WhiteoutMode::kDelete, size);
  return 0;
}

// ScratchDir: removal of an archive's unpacked tree.
#include "services/image/transport/local_image.h"

#include <filesystem>
#include <utility>

namespace cria::image::transport {

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}

ScratchDir& ScratchDir::operator=(ScratchDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, "");
  }
  return *this;
}

ScratchDir::~ScratchDir() { Remove(); }

void ScratchDir::Remove() {
  if (path_.empty()) return;
  std::error_code ec;  // best effort: a leftover directory in work_dir is harmless
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

}  // namespace cria::image::transport

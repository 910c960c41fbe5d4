// OCI whiteout entries: ".wh.NAME" (NAME was deleted in this layer) and ".wh..wh..opq"
// (the directory hides everything below it in the layers underneath).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "libs/status/status.h"
#include "services/storage/layers/apply.h"

namespace cria::storage::layers {

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

// Whether a final path component is a whiteout marker (opaque included).
inline bool IsWhiteout(std::string_view base) { return base.rfind(kWhiteoutPrefix, 0) == 0; }

// `dir_fd` is the directory that holds the marker `base`.
// kOverlay: ".wh.NAME" → NAME replaced by a 0/0 character device; opaque → xattr
// trusted.overlay.opaque=y on the directory.
// kDelete: ".wh.NAME" → NAME removed recursively; opaque → every child of the directory
// for which `created_here(name)` is false is removed.
Status ApplyWhiteout(int dir_fd, std::string_view base, WhiteoutMode mode,
                     const std::function<bool(const std::string&)>& created_here);

}  // namespace cria::storage::layers

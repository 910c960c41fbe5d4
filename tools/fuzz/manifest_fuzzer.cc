// libFuzzer target for what cria-image parses from registries and clients (issue 6): the
// input is one manifest, index or image config body (and, split at the first NUL, a
// Content-Type), fed to the manifest and config parsers, the platform selection, and
// the reference parser. Nothing may crash, leak or hang; the sanitizers judge.
//
// Built and run by tools/fuzz/run (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/image/manifest/config.h"
#include "services/image/manifest/manifest.h"
#include "services/image/manifest/platform.h"
#include "services/image/reference/reference.h"

namespace manifest = cria::image::manifest;
namespace reference = cria::image::reference;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type;
  if (size_t nul = input.find('\0'); nul != std::string_view::npos) {
    content_type = input.substr(0, nul);
    input = input.substr(nul + 1);
  }
  auto parsed = manifest::ParseManifestOrIndex(input, content_type);
  if (parsed.ok()) {
    if (auto* index = std::get_if<manifest::Index>(&*parsed)) {
      (void)manifest::SelectPlatform(*index, manifest::HostPlatform());
    }
  }
  auto config = manifest::ParseConfig(input);
  if (parsed.ok() && config.ok()) {
    if (auto* m = std::get_if<manifest::Manifest>(&*parsed)) {
      (void)manifest::CheckLayersMatch(*m, *config);
    }
  }
  if (input.size() < 512) {
    (void)reference::ParseNormalized(input);
    (void)reference::ResolveShortName(input, {"docker.io", "quay.io"},
                                      {{"alias", "example.com/x"}});
  }
  return 0;
}

#include "services/image/manifest/platform.h"

#include <sys/utsname.h>

#include <cctype>
#include <vector>

namespace cria::image::manifest {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsAttestation(const IndexEntry& entry) {
  const auto it = entry.descriptor.annotations.find("vnd.docker.reference.type");
  if (it != entry.descriptor.annotations.end() && it->second == "attestation-manifest") {
    return true;
  }
  return entry.platform.has_value() && entry.platform->os == "unknown" &&
         entry.platform->architecture == "unknown";
}

// The numeric part of a "vN" variant, or -1.
int VariantNumber(std::string_view variant) {
  if (variant.size() < 2 || variant[0] != 'v') return -1;
  int number = 0;
  for (const char c : variant.substr(1)) {
    if (c < '0' || c > '9' || number > 1000) return -1;
    number = number * 10 + (c - '0');
  }
  return number;
}

// How well `have` (normalised) serves `want` (normalised): 0 no match, higher is better.
// `have_raw` and `want_raw` are the platforms as written, for the exact-match preference.
int Score(const Platform& have_raw, const Platform& want_raw) {
  const Platform have = NormalizePlatform(have_raw);
  const Platform want = NormalizePlatform(want_raw);
  if (have.os != want.os || have.architecture != want.architecture) return 0;
  if (have.variant == want.variant) {
    return Lower(have_raw.variant) == Lower(want_raw.variant) ? 1000 : 999;
  }
  if (have_raw.variant.empty()) return 998;
  // Lower variants of arm and amd64 run on higher ones; prefer the highest that does.
  if (want.architecture == "arm" || want.architecture == "amd64") {
    const int have_number = VariantNumber(have.variant.empty() ? "v1" : have.variant);
    const int want_number = VariantNumber(want.variant.empty() ? "v1" : want.variant);
    if (have_number > 0 && want_number > 0 && have_number < want_number) {
      return 1 + have_number;
    }
  }
  return 0;
}

}  // namespace

Platform PlatformForMachine(std::string_view machine) {
  Platform platform{.os = "linux", .architecture = std::string(machine), .variant = ""};
  if (machine == "x86_64" || machine == "amd64") {
    platform.architecture = "amd64";
  } else if (machine == "aarch64" || machine == "arm64" || machine == "aarch64_be") {
    platform.architecture = "arm64";
    platform.variant = "v8";
  } else if (machine.substr(0, 5) == "armv8") {
    platform.architecture = "arm";
    platform.variant = "v8";
  } else if (machine.substr(0, 5) == "armv7") {
    platform.architecture = "arm";
    platform.variant = "v7";
  } else if (machine.substr(0, 5) == "armv6") {
    platform.architecture = "arm";
    platform.variant = "v6";
  } else if (machine.substr(0, 5) == "armv5") {
    platform.architecture = "arm";
    platform.variant = "v5";
  } else if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686") {
    platform.architecture = "386";
  } else if (machine == "loongarch64") {
    platform.architecture = "loong64";
  } else if (machine == "mips64") {
    platform.architecture = "mips64";
  } else if (machine == "ppc64") {
    platform.architecture = "ppc64";
  }
  return platform;
}

Platform HostPlatform() {
  struct utsname name {};
  if (uname(&name) != 0) return PlatformForMachine("");
  return PlatformForMachine(name.machine);
}

Platform NormalizePlatform(const Platform& platform) {
  Platform out{.os = Lower(platform.os),
               .architecture = Lower(platform.architecture),
               .variant = Lower(platform.variant)};
  if (out.os == "macos") out.os = "darwin";
  std::string& arch = out.architecture;
  std::string& variant = out.variant;
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") {
      variant = "v7";
    } else if (variant == "5" || variant == "6" || variant == "8") {
      variant = "v" + variant;
    }
  }
  return out;
}

std::string FormatPlatform(const Platform& platform) {
  std::string out = platform.os + "/" + platform.architecture;
  if (!platform.variant.empty()) out += "/" + platform.variant;
  return out;
}

Result<Descriptor> SelectPlatform(const Index& index, const Platform& want) {
  const IndexEntry* best = nullptr;
  int best_score = 0;
  std::vector<std::string> offered;
  for (const IndexEntry& entry : index.manifests) {
    if (IsAttestation(entry)) continue;
    offered.push_back(entry.platform ? FormatPlatform(*entry.platform) : "(no platform)");
    if (!IsManifestMediaType(entry.descriptor.media_type) &&
        !IsIndexMediaType(entry.descriptor.media_type)) {
      continue;
    }
    const int score = entry.platform ? Score(*entry.platform, want) : 1;
    if (score > best_score) {
      best = &entry;
      best_score = score;
    }
  }
  if (best != nullptr) return best->descriptor;
  std::string list;
  for (const std::string& platform : offered) {
    if (!list.empty()) list += ", ";
    list += platform;
  }
  if (list.empty()) list = "nothing";
  return Status(StatusCode::kNotFound, "no manifest for platform " + FormatPlatform(want) +
                                           " in the image index; it offers " + list);
}

}  // namespace cria::image::manifest

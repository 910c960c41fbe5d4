// Platforms (os/architecture/variant) and choosing an index's manifest for one.
#pragma once

#include <string>
#include <string_view>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"

namespace cria::image::manifest {

// The platform of this machine: uname's machine mapped to GOARCH (see PlatformForMachine),
// os "linux".
Platform HostPlatform();

// The linux platform for a uname machine string: x86_64 → amd64, aarch64/arm64 → arm64 v8,
// armv7l → arm v7, armv6l → arm v6, armv5* → arm v5, i[3-6]86 → 386, ppc64le, s390x,
// riscv64, loongarch64 → loong64, mips64(el); anything else is passed through unchanged.
Platform PlatformForMachine(std::string_view machine);

// containerd's platforms.Normalize: os lowercased ("macos" → "darwin"); architecture aliases
// resolved (x86_64 → amd64, aarch64 → arm64, armhf → arm v7, armel → arm v6, i386 → 386);
// variants made canonical (arm "" or "7" → "v7", arm64 "8"/"v8" → "", amd64 "v1" → "").
Platform NormalizePlatform(const Platform& platform);

// "os/architecture" or "os/architecture/variant".
std::string FormatPlatform(const Platform& platform);

// Picks the best manifest for `want` from `index`, as containerd's platforms.Only matcher
// does: os and architecture must match after normalisation; an exact variant match is
// preferred, then one equal after normalisation (arm64 accepts "" and "v8"), then an entry
// with no variant, then a lower compatible variant (arm v7 runs v6 and v5, amd64 v3 runs v2).
// Entries without a platform match last; attestation manifests (platform unknown/unknown or
// annotated vnd.docker.reference.type=attestation-manifest) and entries whose media type is
// not a manifest or index never match. Ties go to the earlier entry.
// NotFound, listing the platforms the index offers, when nothing matches.
Result<Descriptor> SelectPlatform(const Index& index, const Platform& want);

}  // namespace cria::image::manifest

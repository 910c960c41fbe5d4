// Test-only writers of built images in the local formats skopeo and docker use offline:
// an OCI image layout directory (oci:), a tar of one (oci-archive:), and the `docker save`
// tar format (docker-archive:).
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/image/testing/image_builder.h"

namespace cria::image::testing {

// The annotation naming an image in an OCI layout's index.json.
inline constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";

// Writes `image` into the OCI layout at `dir` (created if missing): oci-layout,
// blobs/sha256/<hex> for the manifest, config and layers, and an index.json entry for the
// manifest annotated with `ref_name` (none when empty). An existing index.json is kept and
// extended, replacing an entry with the same ref name, so several images can share a layout.
Status WriteOciLayout(const std::string& dir, const BuiltImage& image, const std::string& ref_name);
// The same for a multi-platform image: the index.json entry points at the nested index.
Status WriteOciLayout(const std::string& dir, const BuiltIndex& index, const std::string& ref_name);

// A tar (uncompressed) of the layout WriteOciLayout makes, at `path`.
Status WriteOciArchive(const std::string& path, const BuiltImage& image,
                       const std::string& ref_name);
Status WriteOciArchive(const std::string& path, const BuiltIndex& index,
                       const std::string& ref_name);

// `docker save` format at `path`: manifest.json ([{"Config":"<hex>.json","RepoTags":[...],
// "Layers":["<diffid hex>/layer.tar",...]}]), the config file and each layer uncompressed
// (gzip and zstd blobs are decompressed and checked against their diffIDs).
Status WriteDockerArchive(const std::string& path, const BuiltImage& image,
                          const std::vector<std::string>& repo_tags);

// The uncompressed tar of a layer blob (gzip, zstd or plain), via libarchive.
Result<std::string> DecompressBlob(const std::string& blob);

}  // namespace cria::image::testing

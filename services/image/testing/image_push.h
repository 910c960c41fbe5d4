// Test-only upload of built images to a TestRegistry (a real docker-registry on 127.0.0.1):
// blobs first, then child manifests by digest, then the top manifest under the tag. Over
// TLS when the registry has it (trusting its CA), as its htpasswd user when it has one.
#pragma once

#include <string>

#include "libs/status/status.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"

namespace cria::image::testing {

using registry::testing::TestRegistry;

// Pushes the config and layer blobs from memory, then the manifest as `tag`.
Status Push(TestRegistry& registry, const std::string& repo, const std::string& tag,
            const BuiltImage& image);

// Pushes every image of `index` (blobs, then its manifest by digest), then the index as
// `tag`.
Status Push(TestRegistry& registry, const std::string& repo, const std::string& tag,
            const BuiltIndex& index);

// Pushes blobs from their files, streamed (never read into memory), then the manifest.
// Blobs the registry already has are skipped.
Status PushFiles(TestRegistry& registry, const std::string& repo, const std::string& tag,
                 const BuiltImageFiles& image);

// Uploads the file `path` as blob `digest` of `repo` (monolithic PUT, streamed from the
// file; the registry checks the digest).
Status PushBlobFile(TestRegistry& registry, const std::string& repo, const std::string& digest,
                    const std::string& path);

}  // namespace cria::image::testing

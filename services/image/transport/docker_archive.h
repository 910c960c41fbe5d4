// Reading an image from an unpacked `docker save` archive: manifest.json
// ([{"Config": "...", "RepoTags": [...], "Layers": [...]}]), the config file and the layer
// files, from which an OCI manifest is synthesized.
#pragma once

#include <optional>
#include <string>

#include "libs/status/status.h"
#include "services/image/transport/local_image.h"

namespace cria::image::transport {

// Fills `image` (all but `scratch`) from the unpacked archive at `dir` (absolute). The image
// is the manifest.json item whose RepoTags hold `ref` (compared after normalisation), or item
// `index`, or the only item when neither is given. The synthesized manifest is an OCI image
// manifest: config media type application/vnd.oci.image.config.v1+json, layer media types
// from each file's magic bytes (gzip, zstd, else plain tar), digests and sizes of the files
// as stored. Names are the item's RepoTags, normalized (unparsable ones are skipped).
//
// Checks: a plain-tar layer must hash to the config's diffID; a config or layer stored as
// blobs/sha256/<hex> (or <hex>.json) must hash to that hex — DataLoss naming the file
// otherwise. A missing manifest.json or file → NotFound naming it; ref or index not in the
// archive → NotFound naming it; several images and no selection, or names leaving the
// archive → InvalidArgument.
Status ReadDockerArchive(const std::string& dir, const std::string& ref, std::optional<int> index,
                         LocalImage& image);

}  // namespace cria::image::transport

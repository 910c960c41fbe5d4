// Opening images from the local transports (oci:, oci-archive:, docker-archive:), for
// offline use: archives are unpacked safely into a private directory, every manifest,
// config and layer is verified against its digest, and the result is what a registry pull
// would give — a manifest, its config and one blob file per layer.
#pragma once

#include <string>

#include "libs/status/status.h"
#include "services/image/transport/local_image.h"
#include "services/image/transport/safe_extract.h"
#include "services/image/transport/transport_ref.h"

namespace cria::image::transport {

struct LocalImageOptions {
  ExtractOptions extract;  // limits on unpacking archives
};

// Opens the image `ref` names. Archives are unpacked into a fresh directory
// "<work_dir>/local-XXXXXX" (work_dir is created if missing), owned by the returned
// image's `scratch` and removed with it (or at once on error). oci: layouts are read in
// place: layer_paths point into the layout, which must stay unchanged while in use.
//
// Names: oci and oci-archive give the ref (or, without one, the selected entry's ref-name
// annotation) when it names an image (see NameOfRefName); docker-archive gives the
// selected image's RepoTags. All are normalized full references.
//
// Errors name the transport and path: a missing archive or layout file → NotFound; unsafe
// archive entries → InvalidArgument naming the entry; ref not found → NotFound naming the
// ref; content that does not match its digest → DataLoss naming the blob or layer.
Result<LocalImage> OpenLocalImage(const TransportRef& ref, const std::string& work_dir,
                                  const LocalImageOptions& options = {});

}  // namespace cria::image::transport

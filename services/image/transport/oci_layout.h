// Reading an image from an OCI image layout directory (image-spec image-layout.md): the
// oci-layout marker, index.json, and content-addressed blobs under blobs/<alg>/<hex>.
#pragma once

#include <string>

#include "libs/status/status.h"
#include "services/image/transport/local_image.h"

namespace cria::image::transport {

// Fills `image` (all but `scratch`) from the layout at `dir` (absolute). `ref` selects the
// index.json entry whose org.opencontainers.image.ref.name annotation equals it; an empty
// `ref` takes the only entry. An entry that is an index (also nested) resolves to the host
// platform's manifest (manifest::SelectPlatform). Every blob read or handed out is checked
// against its digest and size.
//
// Errors: a missing oci-layout or index.json → NotFound naming the file; ref not found →
// NotFound naming the ref and the names the layout has; no ref with several entries, or
// ref on several entries → InvalidArgument; bad JSON or unsupported media types →
// InvalidArgument; a blob whose content does not match → DataLoss naming the blob.
Status ReadOciLayout(const std::string& dir, const std::string& ref, LocalImage& image);

// The full reference an OCI ref name stands for, as reference::Reference::String(), or ""
// when it is only a tag: a ref name names an image when it contains ':' or '/' and parses
// as a reference ("example.com/app:v1", "busybox:1.36"); "latest" or "v1" do not.
std::string NameOfRefName(const std::string& ref_name);

}  // namespace cria::image::transport

// criactl images: the listing as crictl prints it (cmd/crictl/image.go, listImageCommand).
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>

#include "cri/runtime/v1/cri_api.h"

namespace cria::criactl {

struct ImageTableOptions {
  bool digests = false;   // --digests: a DIGEST column before IMAGE ID
  bool no_trunc = false;  // --no-trunc: full ids and digests, "sha256:" included
  bool pinned = false;    // --pinned: a PINNED column
};

// crictl's order (imageByRef): by first repo tag when both images have one, else by first
// repo digest when both have one, else by id. Stable.
void SortImagesByRef(google::protobuf::RepeatedPtrField<::runtime::v1::Image>* images);

// An id or digest shortened as crictl does: `prefix` removed, then cut to 13 characters.
std::string TruncatedId(std::string_view id, std::string_view prefix = "sha256:");

// The table: IMAGE, TAG, [DIGEST,] IMAGE ID, SIZE[, PINNED]; a line per repo tag. An
// image without tags shows the name of its first repo digest (or <none>) and tag <none>.
// Sizes as go-units HumanSizeWithPrecision(size, 3). Images are printed in the given order.
std::string ImageTable(const ::runtime::v1::ListImagesResponse& response,
                       const ImageTableOptions& options);

// -q: the full id of each image, one a line.
std::string ImageIds(const ::runtime::v1::ListImagesResponse& response);

// -v: "ID: ...", "RepoTags: ...", "RepoDigests: ...", "Size: ...", ... and a blank line per
// image.
std::string ImagesVerbose(const ::runtime::v1::ListImagesResponse& response);

}  // namespace cria::criactl

// Image names that point at local files instead of a registry, as skopeo spells them:
//   oci:DIR[:REF]             an OCI image layout directory; REF selects by the
//                             org.opencontainers.image.ref.name annotation of index.json
//   oci-archive:PATH[:REF]    a tar of an OCI image layout (plain or compressed)
//   docker-archive:PATH[:X]   a `docker save` tar; X is a name among its RepoTags
//                             ("busybox:1.36", normalized as Docker does) or "@N", the N-th
//                             image (from 0) of its manifest.json
// The path ends at the first ':' after the transport (as containers/image splits it), so a
// path with ':' cannot be given. Paths must be absolute.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria::image::transport {

enum class TransportKind { kOciLayout, kOciArchive, kDockerArchive };

struct TransportRef {
  TransportKind kind = TransportKind::kOciLayout;
  std::string path;  // absolute, lexically normalised
  // oci, oci-archive: the ref name (empty: the layout's only image). docker-archive: the
  // name to find among RepoTags as given (empty: the archive's only image, or `index`).
  std::string ref;
  std::optional<int> index;  // docker-archive "@N"

  // The text form, e.g. "oci-archive:/tmp/image.tar:v1".
  std::string String() const;
  friend bool operator==(const TransportRef&, const TransportRef&) = default;
};

// "oci", "oci-archive" or "docker-archive".
std::string_view TransportName(TransportKind kind);

// The local transport `image` names, or std::nullopt when it starts with none of the three
// prefixes (the caller then treats it as a registry reference). InvalidArgument, naming the
// input, for an empty or relative path, a ref with characters outside [A-Za-z0-9._:@+/-],
// a docker-archive "@N" that is not a number, or a docker-archive name that is not a valid
// reference or carries a digest.
Result<std::optional<TransportRef>> ParseTransport(std::string_view image);

}  // namespace cria::image::transport

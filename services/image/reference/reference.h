// Image reference names: parsing and normalisation as the container ecosystem does it
// (github.com/distribution/reference ParseNormalizedNamed followed by TagNameOnly), and
// short-name resolution through aliases and unqualified-search registries (the model of
// containers-registries.conf).
//
// Grammar (distribution/reference):
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain "/"] path-component ["/" path-component]*
//   domain           := host [":" port-number]
//   host             := domain-name | "[" IPv6address "]"
//   domain-name      := domain-component ["." domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   port-number      := /[0-9]+/
//   path-component   := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex  (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::image::reference {

// Docker Hub's canonical registry name.
inline constexpr std::string_view kDockerHub = "docker.io";
// The tag given to a reference that names neither a tag nor a digest.
inline constexpr std::string_view kDefaultTag = "latest";

struct Reference {
  std::string registry;    // "docker.io", "registry.k8s.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/busybox", "pause"
  std::string tag;         // "latest", or empty when a digest is given without a tag
  std::string digest;      // "sha256:<64 hex>" or empty

  // Canonical full form: registry/repository[:tag][@digest].
  std::string String() const;
  // The short form Docker shows: "docker.io/" is dropped, and so is "library/" when the
  // rest has a single component ("busybox:latest", "user/app:v1"); other registries give
  // String().
  std::string Familiar() const;
  // registry/repository.
  std::string NameOnly() const;

  bool operator==(const Reference&) const = default;
};

// Parses `text` and normalises it: "busybox" -> docker.io/library/busybox:latest,
// "user/app" -> docker.io/user/app:latest, "index.docker.io/x" -> docker.io/library/x.
// The first path component is a registry when it contains '.' or ':', is "localhost", or
// has an uppercase letter; otherwise the registry is docker.io. A reference with a digest
// and no tag gets no default tag. Errors are InvalidArgument, naming the input and the
// reason.
Result<Reference> ParseNormalized(std::string_view text);

// True when `text` names no registry (a "short name", e.g. "busybox" or "user/app:v1").
// Only the structure is looked at; the text is not validated.
bool IsShortName(std::string_view text);

// The candidates to pull for `text`, in order. A fully qualified name gives itself. For a
// short name, an alias whose key equals the name without tag/digest wins alone (its value
// must be a fully qualified name without tag or digest); otherwise each unqualified-search
// registry gives one candidate, in order ("quay.io" -> quay.io/busybox:latest, "docker.io"
// -> docker.io/library/busybox:latest). The tag and digest of `text` are kept. A short name
// with neither an alias nor search registries is FailedPrecondition; bad input, aliases or
// search registries are InvalidArgument.
Result<std::vector<Reference>> ResolveShortName(std::string_view text,
                                                const std::vector<std::string>& search_registries,
                                                const std::map<std::string, std::string>& aliases);

}  // namespace cria::image::reference

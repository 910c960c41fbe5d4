// The image names a container's status shows: a tag for `image`, a repo digest for
// `image_ref`, chosen to match what was asked for.
#include "services/runtime/containers/image_names.h"

#include <catch2/catch.hpp>

namespace cria::runtime::containers {
namespace {

using Strings = google::protobuf::RepeatedPtrField<std::string>;

Strings List(std::initializer_list<const char*> items) {
  Strings out;
  for (const char* s : items) out.Add(s);
  return out;
}

constexpr const char* kId =
    "sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904b825dc642cb6eb9a060e54b";

TEST_CASE("created by image ID, as the kubelet does: the user's tag and its repository's digest") {
  const Strings tags = List({"reg.local:5000/a/app:1", "other.example/app:latest"});
  const Strings digests = List({"reg.local:5000/a/app@sha256:aa", "other.example/app@sha256:bb"});
  ImageNames n = ChooseImageNames(kId, "other.example/app:latest", tags, digests);
  CHECK(n.name == "other.example/app:latest");
  CHECK(n.digest == "other.example/app@sha256:bb");
  // A short name, as the pod spec has it: the tag it stands for.
  n = ChooseImageNames(kId, "app:1", tags, digests);
  CHECK(n.name == "reg.local:5000/a/app:1");
  CHECK(n.digest == "reg.local:5000/a/app@sha256:aa");
  n = ChooseImageNames(kId, "app", tags, digests);  // :latest
  CHECK(n.name == "other.example/app:latest");
  CHECK(n.digest == "other.example/app@sha256:bb");
  // Not a path boundary ("myapp" is not "app"), or not one of its tags: the first tag.
  n = ChooseImageNames(kId, "myapp:latest", tags, digests);
  CHECK(n.name == "reg.local:5000/a/app:1");
  n = ChooseImageNames(kId, "app:2", tags, digests);
  CHECK(n.name == "reg.local:5000/a/app:1");
  n = ChooseImageNames(kId, "app@sha256:bb", tags, digests);
  CHECK(n.name == "reg.local:5000/a/app:1");
  n = ChooseImageNames(kId, "", tags, digests);
  CHECK(n.name == "reg.local:5000/a/app:1");
  CHECK(n.digest == "reg.local:5000/a/app@sha256:aa");
}

TEST_CASE("created by a tag: that tag, and the digest of its repository") {
  const Strings tags = List({"reg.local:5000/app:1", "reg.local:5000/mirror/app:2"});
  const Strings digests =
      List({"reg.local:5000/app@sha256:aa", "reg.local:5000/mirror/app@sha256:bb"});
  ImageNames n = ChooseImageNames("reg.local:5000/mirror/app:2", "", tags, digests);
  CHECK(n.name == "reg.local:5000/mirror/app:2");
  CHECK(n.digest == "reg.local:5000/mirror/app@sha256:bb");
  // The registry's port is not a tag.
  n = ChooseImageNames("reg.local:5000/app:1", "", tags, digests);
  CHECK(n.digest == "reg.local:5000/app@sha256:aa");
}

TEST_CASE("a repository with no digest of its own gets the first; none at all, no digest") {
  ImageNames n = ChooseImageNames("reg.local/app:1", "", List({"reg.local/app:1"}),
                                  List({"elsewhere/app@sha256:cc"}));
  CHECK(n.name == "reg.local/app:1");
  CHECK(n.digest == "elsewhere/app@sha256:cc");
  // An image from a local transport (no registry, no digest) and untagged: what was asked.
  n = ChooseImageNames(kId, "", List({}), List({}));
  CHECK(n.name == kId);
  CHECK(n.digest.empty());
  // Untagged, pulled by digest: the digest.
  n = ChooseImageNames(kId, "reg.local/app@sha256:dd", List({}), List({"reg.local/app@sha256:dd"}));
  CHECK(n.name == kId);
  CHECK(n.digest == "reg.local/app@sha256:dd");
}

}  // namespace
}  // namespace cria::runtime::containers

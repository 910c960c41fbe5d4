#include "services/runtime/containers/image_names.h"

#include <algorithm>

namespace cria::runtime::containers {
namespace {

// "registry:5000/app:1" -> "registry:5000/app"; "app@sha256:..." -> "app".
std::string Repository(const std::string& reference) {
  const std::string::size_type at = reference.find('@');
  if (at != std::string::npos) return reference.substr(0, at);
  const std::string::size_type slash = reference.rfind('/');
  const std::string::size_type colon = reference.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return reference.substr(0, colon);
  }
  return reference;
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              const std::string& value) {
  return !value.empty() && std::find(list.begin(), list.end(), value) != list.end();
}

// The tag the user's image name stands for, as the kubelet passes it (the pod spec's text):
// the tag itself, or a tag it is the end of after a '/' ("nginx:1.25" for
// "docker.io/library/nginx:1.25"), ":latest" understood when it has no tag. Empty when
// none matches (a digest reference, another repository).
std::string TagNamedBy(const std::string& user_specified,
                       const google::protobuf::RepeatedPtrField<std::string>& repo_tags) {
  if (user_specified.empty() || user_specified.find('@') != std::string::npos) return "";
  if (Contains(repo_tags, user_specified)) return user_specified;
  std::string name = user_specified;
  if (Repository(name) == name) name += ":latest";
  const std::string suffix = "/" + name;
  for (const std::string& tag : repo_tags) {
    if (tag == name || (tag.size() > suffix.size() &&
                        tag.compare(tag.size() - suffix.size(), suffix.size(), suffix) == 0)) {
      return tag;
    }
  }
  return "";
}

}  // namespace

ImageNames ChooseImageNames(const std::string& requested, const std::string& user_specified,
                            const google::protobuf::RepeatedPtrField<std::string>& repo_tags,
                            const google::protobuf::RepeatedPtrField<std::string>& repo_digests) {
  ImageNames out;
  if (Contains(repo_tags, requested)) {
    out.name = requested;
  } else if (std::string tag = TagNamedBy(user_specified, repo_tags); !tag.empty()) {
    out.name = std::move(tag);
  } else if (!repo_tags.empty()) {
    out.name = repo_tags[0];
  } else {
    out.name = requested;
  }
  const std::string repository = Repository(out.name);
  for (const std::string& digest : repo_digests) {
    if (Repository(digest) == repository) {
      out.digest = digest;
      return out;
    }
  }
  if (!repo_digests.empty()) out.digest = repo_digests[0];
  return out;
}

}  // namespace cria::runtime::containers

// The names ContainerStatus shows for a container's image. The kubelet creates containers
// by image ID (PullImage's image_ref) and shows ContainerStatus.image as the pod's `image`
// and ContainerStatus.image_ref as its `imageID`, which users read as a digested reference
// (`registry/repo@sha256:<manifest digest>`), as containerd and CRI-O report them.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

namespace cria::runtime::containers {

struct ImageNames {
  std::string name;    // a repo tag; what was requested when the image has none
  std::string digest;  // a repo digest; empty when the image has none
};

// `requested` is ContainerConfig.image.image, `user_specified` its user_specified_image;
// the tags and digests are the image's (cria-image's Resolve). The name is the requested
// one when it is a tag of the image, else the tag the user's name stands for ("nginx" for
// "docker.io/library/nginx:latest"), else the first tag. The digest is one in the name's
// repository when there is one, else the first.
ImageNames ChooseImageNames(const std::string& requested, const std::string& user_specified,
                            const google::protobuf::RepeatedPtrField<std::string>& repo_tags,
                            const google::protobuf::RepeatedPtrField<std::string>& repo_digests);

}  // namespace cria::runtime::containers

// criactl ps: the listing as crictl prints it (cmd/crictl/container.go, OutputContainers).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"

namespace cria::criactl {

// "Created", "Running", "Exited", "Unknown" (crictl's convertContainerState).
std::string ContainerStateName(::runtime::v1::ContainerState state);

// An image shown in the IMAGE column: a digest ("sha256:<64 hex>", as the kubelet puts
// image ids there) cut to 13 hex digits unless `no_trunc`; any other name as it is.
std::string ContainerImageColumn(const std::string& image, bool no_trunc);

struct ContainerTableOptions {
  bool no_trunc = false;
  // -r, --resolve-image-path: maps the IMAGE column to the image's first repo tag.
  std::function<std::string(const std::string&)> resolve_image;
};

// CONTAINER, IMAGE, CREATED, STATE, NAME, ATTEMPT, POD ID, POD, NAMESPACE; POD and
// NAMESPACE from the kubelet's pod labels ("unknown" without them).
std::string ContainerTable(const std::vector<::runtime::v1::Container>& containers,
                           const ContainerTableOptions& options, int64_t now_unix_nano);

// -q: the full id of each container, one a line.
std::string ContainerIds(const std::vector<::runtime::v1::Container>& containers);

// -v: "ID: ...", "PodID: ...", ..., and a blank line per container.
std::string ContainersVerbose(const std::vector<::runtime::v1::Container>& containers,
                              int64_t now_unix_nano);

}  // namespace cria::criactl

// The image config blob (OCI image-spec config.md; Docker's container image v1 JSON): what
// a container of the image runs by default and the diffIDs of its uncompressed layers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"

namespace cria::image::manifest {

struct ImageConfig {
  std::string user;
  std::vector<std::string> env, entrypoint, cmd;
  std::string working_dir;
  std::string stop_signal;
  std::map<std::string, std::string> labels;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, base layer first
  std::string os, architecture;
  std::set<std::string> exposed_ports;  // "80/tcp", "53/udp"
  std::vector<std::string> volumes;     // "/data"
};

// Parses an OCI/Docker image config. The "config" object may be absent or null (and so may
// any of its fields, as Docker writes them); rootfs.type must be "layers"; rootfs.diff_ids is
// required and each must be a valid digest. A body over kMaxConfigBytes → ResourceExhausted
// naming the size and limit; malformed content → InvalidArgument naming the field.
Result<ImageConfig> ParseConfig(std::string_view body);

// The diffIDs must be one per layer: InvalidArgument naming both counts otherwise.
Status CheckLayersMatch(const Manifest& manifest, const ImageConfig& config);

}  // namespace cria::image::manifest

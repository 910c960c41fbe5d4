// CDI (Container Device Interface) spec files: what a device vendor writes into /etc/cdi or
// /var/run/cdi to say which edits of a container's OCI spec give it a device
// (tags.cncf.io/container-device-interface, SPEC.md, versions 0.3.0 to 1.1.0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::cdi {

struct DeviceNode {
  std::string path;       // in the container
  std::string host_path;  // empty: `path`
  std::string type;       // "b", "c", "u", "p" or empty (the host node's)
  std::optional<int64_t> major, minor;
  std::optional<uint32_t> file_mode, uid, gid;
  std::string permissions;  // any of r, w, m; empty: rwm
};

struct Mount {
  std::string host_path;
  std::string container_path;
  std::string type;  // empty: as the OCI runtime takes a mount without one (bind by options)
  std::vector<std::string> options;
};

struct Hook {
  std::string hook_name;  // createRuntime, createContainer, startContainer, poststart,
                          // poststop or prestart
  std::string path;
  std::vector<std::string> args, env;
  std::optional<int> timeout;
};

struct ContainerEdits {
  std::vector<std::string> env;  // NAME=VALUE
  std::vector<DeviceNode> device_nodes;
  std::vector<Mount> mounts;
  std::vector<Hook> hooks;
  std::vector<uint32_t> additional_gids;
  // Parsed so that a spec using them loads; applying them is refused (cria writes neither
  // linux.intelRdt nor linux.netDevices).
  bool has_intel_rdt = false;
  bool has_net_devices = false;
};

struct Device {
  std::string name;
  ContainerEdits edits;
};

struct Spec {
  std::string path;  // the file it was read from
  std::string version;
  std::string kind;      // vendor.com/class
  ContainerEdits edits;  // applied once when any of its devices is used
  std::vector<Device> devices;
};

// A spec from the text of a file (JSON or YAML), checked as the CDI library checks it: a
// known cdiVersion, a kind "<vendor>/<class>", device names, no unknown fields, absolute
// paths, known hook names, valid permissions and env entries. InvalidArgument naming the
// file and the problem.
Result<Spec> ParseSpec(std::string_view text, const std::string& path);

// "vendor.com/class=name" split into kind and name; InvalidArgument when it is not one.
struct QualifiedName {
  std::string kind, name;
};
Result<QualifiedName> ParseQualifiedName(const std::string& qualified);

}  // namespace cria::runtime::cdi

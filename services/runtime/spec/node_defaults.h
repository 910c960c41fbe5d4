// The operator's defaults for every pod and container (the runtime section's default_*,
// seccomp_profile and privileged_without_host_devices keys), checked once at start: an item
// that every pod or container would fail on stops cria-runtime instead, naming its key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

struct NodeDefaults {
  std::vector<std::string> capabilities;       // "CAP_CHOWN", in number order
  std::map<std::string, std::string> sysctls;  // name → value, namespaced ones
  std::vector<Rlimit> rlimits;                 // every container's process.rlimits
  std::string seccomp_profile;                 // its text; empty: the built-in
  bool privileged_without_host_devices = false;
  std::vector<std::string> env;  // NAME=value each
};

// `runtime` checked against `host` (the capabilities and limits cria-runtime itself has).
// The error names the key: "runtime.default_ulimits: ulimit \"x\": ...".
Result<NodeDefaults> LoadNodeDefaults(const config::RuntimeSection& runtime, const HostFacts& host);

// Puts the defaults that belong to the spec generator into `host`.
void ApplyNodeDefaults(const NodeDefaults& defaults, HostFacts& host);

}  // namespace cria::runtime::spec

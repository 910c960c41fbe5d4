// The device nodes of a container and its device cgroup rules.
#pragma once

#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "services/runtime/spec/host_lookup.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

struct DevicePlan {
  std::vector<Device> devices;
  std::vector<DeviceCgroupRule> rules;
};

// The host node `d` as the OCI runtime creates it at `container_path`: its type, numbers,
// mode and owner.
Device DeviceFromHost(const HostDevice& d, const std::string& container_path);

// Deny everything, then allow (rwm) what every container needs: /dev/null (1:3), zero
// (1:5), full (1:7), tty (5:0), urandom (1:9), random (1:8), ptmx (5:2) and the pty slaves
// (136:*).
std::vector<DeviceCgroupRule> DefaultDeviceRules();

// The CRI devices (a device node, or a directory whose nodes are all given), each allowed
// in the device cgroup with its permissions ("r", "w", "m"; empty means "rwm"); a privileged
// container also gets every host device under /dev and access to all devices unless
// `without_host_devices`. A CRI device replaces a host device at the same path.
// InvalidArgument for bad permissions or a relative path; NotFound for a missing host path.
Result<DevicePlan> BuildDevices(
    const google::protobuf::RepeatedPtrField<::runtime::v1::Device>& cri, bool privileged,
    bool without_host_devices, const HostLookup& host);

}  // namespace cria::runtime::spec

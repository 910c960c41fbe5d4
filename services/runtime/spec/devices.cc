#include "services/runtime/spec/devices.h"

#include <algorithm>
#include <string>

namespace cria::runtime::spec {
namespace {

DeviceCgroupRule Allow(const char* type, int64_t major, std::optional<int64_t> minor) {
  return DeviceCgroupRule{true, type, major, minor, "rwm"};
}

Result<std::string> Permissions(const std::string& perms, const std::string& path) {
  if (perms.empty()) return std::string("rwm");
  std::string out;
  for (char c : std::string("rwm")) {
    if (perms.find(c) != std::string::npos) out += c;
  }
  if (perms.find_first_not_of("rwm") != std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "device " + path + ": invalid permissions \"" + perms + "\" (any of r, w, m)");
  }
  return out;
}

void AddDevice(std::vector<Device>* devices, Device device) {
  auto it = std::find_if(devices->begin(), devices->end(),
                         [&](const Device& d) { return d.path == device.path; });
  if (it != devices->end()) {
    *it = std::move(device);
  } else {
    devices->push_back(std::move(device));
  }
}

}  // namespace

Device DeviceFromHost(const HostDevice& d, const std::string& container_path) {
  Device out;
  out.path = container_path;
  out.type = std::string(1, d.type);
  out.major = d.major;
  out.minor = d.minor;
  out.file_mode = d.mode;
  out.uid = d.uid;
  out.gid = d.gid;
  return out;
}

std::vector<DeviceCgroupRule> DefaultDeviceRules() {
  return {
      DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"},
      Allow("c", 1, 3),               // /dev/null
      Allow("c", 1, 5),               // /dev/zero
      Allow("c", 1, 7),               // /dev/full
      Allow("c", 5, 0),               // /dev/tty
      Allow("c", 1, 9),               // /dev/urandom
      Allow("c", 1, 8),               // /dev/random
      Allow("c", 5, 2),               // /dev/ptmx
      Allow("c", 136, std::nullopt),  // /dev/pts/*
  };
}

Result<DevicePlan> BuildDevices(
    const google::protobuf::RepeatedPtrField<::runtime::v1::Device>& cri, bool privileged,
    bool without_host_devices, const HostLookup& host) {
  DevicePlan plan;
  const bool all_devices = privileged && !without_host_devices;
  if (all_devices) {
    plan.rules.push_back(DeviceCgroupRule{true, "", std::nullopt, std::nullopt, "rwm"});
    CRIA_ASSIGN_OR_RETURN(std::vector<HostDevice> nodes, host.Devices("/dev"),
                          "privileged container: host devices");
    for (const HostDevice& d : nodes) plan.devices.push_back(DeviceFromHost(d, d.path));
  } else {
    plan.rules = DefaultDeviceRules();
  }

  for (const ::runtime::v1::Device& requested : cri) {
    const std::string& host_path = requested.host_path();
    if (host_path.empty() || host_path.front() != '/') {
      return Status(StatusCode::kInvalidArgument,
                    "device host_path \"" + host_path + "\" is not an absolute path");
    }
    const std::string container_path =
        requested.container_path().empty() ? host_path : requested.container_path();
    if (container_path.front() != '/') {
      return Status(StatusCode::kInvalidArgument,
                    "device container_path \"" + container_path + "\" is not an absolute path");
    }
    CRIA_ASSIGN_OR_RETURN(std::string access, Permissions(requested.permissions(), host_path), "");
    CRIA_ASSIGN_OR_RETURN(std::vector<HostDevice> nodes, host.Devices(host_path), "device");
    for (const HostDevice& d : nodes) {
      // A directory's nodes keep their place below it: /dev/dri/card0 → <container_path>/card0.
      std::string path = container_path;
      if (d.path != host_path && d.path.size() > host_path.size()) {
        std::string rest = d.path.substr(host_path.size());
        if (rest.front() != '/') rest = "/" + rest;
        if (path.back() == '/') path.pop_back();
        path += rest;
      }
      AddDevice(&plan.devices, DeviceFromHost(d, path));
      if (!all_devices) {
        plan.rules.push_back(
            DeviceCgroupRule{true, std::string(1, d.type), d.major, d.minor, access});
      }
    }
  }
  return plan;
}

}  // namespace cria::runtime::spec

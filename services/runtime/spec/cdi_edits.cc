#include "services/runtime/spec/cdi_edits.h"

#include <algorithm>

#include "services/runtime/spec/devices.h"
#include "services/runtime/spec/mounts.h"

namespace cria::runtime::spec {
namespace {

void SetEnv(std::vector<std::string>* env, const std::string& entry) {
  const std::string name = entry.substr(0, entry.find('=') + 1);  // "NAME="
  for (std::string& e : *env) {
    if (e.rfind(name, 0) == 0) {
      e = entry;
      return;
    }
  }
  env->push_back(entry);
}

// The node as the OCI runtime creates it. As the CDI library: given type and numbers are
// taken as they are; otherwise the host node (hostPath, else path) gives them, with its mode
// and owner where the edit leaves those out.
Result<Device> ToDevice(const cdi::DeviceNode& node, const HostLookup& host) {
  if (!node.type.empty() && (node.major.value_or(0) != 0 || node.type == "p")) {
    return Device{
        node.path, node.type, node.major.value_or(0), node.minor.value_or(0), node.file_mode,
        node.uid,  node.gid};
  }
  const std::string host_path = node.host_path.empty() ? node.path : node.host_path;
  CRIA_ASSIGN_OR_RETURN(std::vector<HostDevice> found, host.Devices(host_path),
                        "CDI device node " + node.path);
  if (found.size() != 1 || found.front().path != host_path) {
    return Status(StatusCode::kInvalidArgument,
                  "CDI device node " + node.path + ": " + host_path + " is not a device node");
  }
  Device d = DeviceFromHost(found.front(), node.path);
  if (!node.type.empty() && node.type != d.type) {
    return Status(StatusCode::kInvalidArgument, "CDI device node " + node.path + " is of type " +
                                                    node.type + " but " + host_path + " is " +
                                                    d.type);
  }
  if (node.file_mode) d.file_mode = node.file_mode;
  if (node.uid) d.uid = node.uid;
  if (node.gid) d.gid = node.gid;
  return d;
}

}  // namespace

Status ApplyCdiEdits(const std::vector<cdi::ContainerEdits>& edits, const HostLookup& host,
                     Spec* spec) {
  for (const cdi::ContainerEdits& e : edits) {
    for (const std::string& entry : e.env) SetEnv(&spec->process.env, entry);
    for (const cdi::DeviceNode& node : e.device_nodes) {
      CRIA_ASSIGN_OR_RETURN(Device device, ToDevice(node, host), "");
      auto& devices = spec->linux.devices;
      devices.erase(std::remove_if(devices.begin(), devices.end(),
                                   [&](const Device& d) { return d.path == device.path; }),
                    devices.end());
      if (device.type == "b" || device.type == "c") {
        spec->linux.resources.devices.push_back(
            DeviceCgroupRule{true, device.type, device.major, device.minor,
                             node.permissions.empty() ? "rwm" : node.permissions});
      }
      devices.push_back(std::move(device));
    }
    for (const cdi::Mount& m : e.mounts) {
      auto& mounts = spec->mounts;
      const std::string destination = CleanPath(m.container_path);
      mounts.erase(std::remove_if(mounts.begin(), mounts.end(),
                                  [&](const Mount& x) { return x.destination == destination; }),
                   mounts.end());
      mounts.push_back(Mount{destination, m.type, m.host_path, m.options});
    }
    for (const cdi::Hook& h : e.hooks) {
      spec->hooks[h.hook_name].push_back(Hook{h.path, h.args, h.env, h.timeout});
    }
    auto& gids = spec->process.user.additional_gids;
    for (uint32_t gid : e.additional_gids) {
      if (gid != 0 && std::find(gids.begin(), gids.end(), gid) == gids.end()) gids.push_back(gid);
    }
  }
  std::stable_sort(spec->mounts.begin(), spec->mounts.end(), [](const Mount& a, const Mount& b) {
    return PathDepth(a.destination) < PathDepth(b.destination);
  });
  return OkStatus();
}

}  // namespace cria::runtime::spec

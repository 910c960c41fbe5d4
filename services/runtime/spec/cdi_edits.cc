#include "services/runtime/spec/cdi_edits.h"

#include <algorithm>

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

// The node as the OCI runtime creates it, with what the edit leaves out read from the host.
Result<Device> ToDevice(const cdi::DeviceNode& node, const HostLookup& host) {
  Device d;
  d.path = node.path;
  d.type = node.type;
  d.major = node.major.value_or(0);
  d.minor = node.minor.value_or(0);
  d.file_mode = node.file_mode;
  d.uid = node.uid;
  d.gid = node.gid;
  const bool complete = !d.type.empty() && (d.major != 0 || d.type == "p");
  if (complete && d.file_mode) return d;
  const std::string host_path = node.host_path.empty() ? node.path : node.host_path;
  Result<std::vector<HostDevice>> found = host.Devices(host_path);
  if (!found.ok() || found->size() != 1 || found->front().path != host_path) {
    if (complete) return d;  // only the mode was missing: the runtime's default
    if (!found.ok()) return Annotate(found.status(), "CDI device node " + node.path);
    return Status(StatusCode::kInvalidArgument,
                  "CDI device node " + node.path + ": " + host_path + " is not a device node");
  }
  const HostDevice& h = found->front();
  const std::string host_type(1, h.type);
  if (d.type.empty()) {
    d.type = host_type;
  } else if (!complete && d.type != host_type) {
    return Status(StatusCode::kInvalidArgument, "CDI device node " + node.path + " is of type " +
                                                    d.type + " but " + host_path + " is " +
                                                    host_type);
  }
  if (!complete) {
    d.major = h.major;
    d.minor = h.minor;
  }
  if (!d.file_mode) d.file_mode = h.mode;
  if (!d.uid) d.uid = h.uid;
  if (!d.gid) d.gid = h.gid;
  return d;
}

size_t Depth(const std::string& path) {
  return std::count(path.begin(), path.end(), '/') - (path.size() > 1 && path.back() == '/');
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
      mounts.erase(
          std::remove_if(mounts.begin(), mounts.end(),
                         [&](const Mount& x) { return x.destination == m.container_path; }),
          mounts.end());
      mounts.push_back(Mount{m.container_path, m.type, m.host_path, m.options});
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
    return Depth(a.destination) < Depth(b.destination);
  });
  return OkStatus();
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/mounts.h"

#include <algorithm>
#include <set>

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

// A bind mount before it becomes an OCI mount: CRI mounts, the pod's files, image volumes.
struct Bind {
  std::string destination;  // clean
  std::string source;
  bool readonly = false;
  bool recursive_readonly = false;
  cri::MountPropagation propagation = cri::PROPAGATION_PRIVATE;
  bool relabel = false;
  bool ensure_dir = false;
};

bool StartsWithDir(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

// The directory name of an image volume under volumes_dir: the destination, escaped so that
// two destinations never share a name.
std::string VolumeDirName(const std::string& destination) {
  std::string out;
  for (char c : destination.substr(1)) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

// A bind the runtime adds itself: private propagation, never recursive read-only.
Bind Extra(const std::string& destination, const std::string& source, bool readonly, bool relabel,
           bool ensure_dir) {
  Bind b;
  b.destination = destination;
  b.source = source;
  b.readonly = readonly;
  b.relabel = relabel;
  b.ensure_dir = ensure_dir;
  return b;
}

Result<Bind> FromCri(const cri::Mount& m, const MountInputs& inputs) {
  const std::string& dst = m.container_path();
  if (dst.empty() || dst.front() != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "mount container_path \"" + dst + "\" is not an absolute path");
  }
  if (IsImageMount(m)) {
    return Status(
        StatusCode::kInvalidArgument,
        "mount at " + dst + ": an image volume source reached the spec generator unmounted");
  }
  if (m.host_path().empty() || m.host_path().front() != '/') {
    return Status(StatusCode::kInvalidArgument, "mount at " + dst + ": host_path \"" +
                                                    m.host_path() + "\" is not an absolute path");
  }
  if (m.uidmappings_size() > 0 || m.gidmappings_size() > 0) {
    return Status(
        StatusCode::kInvalidArgument,
        "mount at " + dst + ": ID-mapped mounts need user namespaces, which cria does not support");
  }
  if (!cri::MountPropagation_IsValid(m.propagation())) {
    return Status(StatusCode::kInvalidArgument,
                  "mount at " + dst + ": unknown propagation " + std::to_string(m.propagation()));
  }
  if (m.recursive_read_only()) {
    if (!m.readonly()) {
      return Status(StatusCode::kInvalidArgument,
                    "mount at " + dst + ": recursive_read_only needs readonly");
    }
    if (m.propagation() != cri::PROPAGATION_PRIVATE) {
      return Status(StatusCode::kInvalidArgument,
                    "mount at " + dst + ": recursive_read_only needs private propagation, got " +
                        cri::MountPropagation_Name(m.propagation()));
    }
    if (!inputs.recursive_read_only_supported) {
      return Status(
          StatusCode::kFailedPrecondition,
          "mount at " + dst + ": recursive read-only mounts are not supported by the OCI runtime");
    }
  }
  Bind b;
  b.destination = CleanPath(dst);
  b.source = m.host_path();
  b.readonly = m.readonly();
  b.recursive_readonly = m.recursive_read_only();
  b.propagation = m.propagation();
  b.relabel = m.selinux_relabel();
  b.ensure_dir = true;
  return b;
}

Mount ToOci(const Bind& b) {
  Mount m;
  m.destination = b.destination;
  m.type = "bind";
  m.source = b.source;
  m.options.push_back("rbind");
  switch (b.propagation) {
    case cri::PROPAGATION_BIDIRECTIONAL:
      m.options.push_back("rshared");
      break;
    case cri::PROPAGATION_HOST_TO_CONTAINER:
      m.options.push_back("rslave");
      break;
    default:
      m.options.push_back("rprivate");
      break;
  }
  m.options.push_back(b.recursive_readonly ? "rro" : b.readonly ? "ro" : "rw");
  return m;
}

}  // namespace

std::string CleanPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

bool IsImageMount(const cri::Mount& m) { return m.has_image() && !m.image().image().empty(); }

size_t PathDepth(std::string_view clean_path) {
  if (clean_path == "/") return 0;
  return static_cast<size_t>(std::count(clean_path.begin(), clean_path.end(), '/'));
}

std::vector<Mount> SystemMounts(bool privileged) {
  const std::string sys_mode = privileged ? "rw" : "ro";
  std::vector<Mount> mounts = {
      {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts",
       "devpts",
       "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
  };
  // An mqueue mount shows the queues of the IPC namespace of whoever mounts it, the OCI
  // runtime's init in the container's: a host-IPC container sees the host's queues this
  // way too, as with containerd, and needs no /dev/mqueue on the host (CRI-O's bind of it
  // fails where there is none, e.g. in a container).
  mounts.push_back({"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}});
  mounts.push_back({"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", sys_mode}});
  mounts.push_back(
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", sys_mode}});
  return mounts;
}

Result<MountPlan> BuildMounts(const google::protobuf::RepeatedPtrField<cri::Mount>& cri,
                              const google::protobuf::RepeatedPtrField<std::string>& image_volumes,
                              const MountInputs& inputs) {
  std::vector<Bind> binds;
  std::set<std::string> cri_destinations;
  for (const cri::Mount& m : cri) {
    CRIA_ASSIGN_OR_RETURN(Bind b, FromCri(m, inputs), "");
    if (!cri_destinations.insert(b.destination).second) {
      return Status(StatusCode::kInvalidArgument, "two mounts at " + b.destination);
    }
    binds.push_back(std::move(b));
  }

  // The pod's files and the image volumes, each unless a CRI mount has its place.
  const auto add_extra = [&](Bind b) {
    if (cri_destinations.count(b.destination)) return;
    cri_destinations.insert(b.destination);
    binds.push_back(std::move(b));
  };
  const PodFiles& pod = inputs.pod_files;
  const bool ro = inputs.readonly_rootfs;
  if (!pod.hostname.empty()) add_extra(Extra("/etc/hostname", pod.hostname, ro, true, false));
  if (!pod.hosts.empty()) add_extra(Extra("/etc/hosts", pod.hosts, ro, true, false));
  if (!pod.resolv_conf.empty()) {
    add_extra(Extra("/etc/resolv.conf", pod.resolv_conf, ro, true, false));
  }
  if (inputs.host_ipc) {
    add_extra(Extra("/dev/shm", "/dev/shm", false, false, false));
  } else if (!pod.shm.empty()) {
    add_extra(Extra("/dev/shm", pod.shm, false, true, false));
  }
  std::vector<ImageVolumeDir> volume_dirs;
  if (!inputs.volumes_dir.empty()) {
    std::vector<std::string> volumes;
    for (const std::string& v : image_volumes) {
      if (!v.empty()) volumes.push_back(CleanPath("/" + v));
    }
    std::sort(volumes.begin(), volumes.end());
    volumes.erase(std::unique(volumes.begin(), volumes.end()), volumes.end());
    for (const std::string& v : volumes) {
      if (v == "/" || cri_destinations.count(v)) continue;
      const std::string dir = inputs.volumes_dir + "/" + VolumeDirName(v);
      add_extra(Extra(v, dir, false, true, true));
      volume_dirs.push_back({v, dir});
    }
  }

  MountPlan plan;
  plan.image_volumes = std::move(volume_dirs);
  const bool dev_replaced = cri_destinations.count("/dev") > 0;
  for (Mount& m : SystemMounts(inputs.privileged)) {
    if (cri_destinations.count(m.destination)) continue;
    if (dev_replaced && StartsWithDir(m.destination, "/dev")) continue;
    plan.mounts.push_back(std::move(m));
  }

  std::stable_sort(binds.begin(), binds.end(), [](const Bind& a, const Bind& b) {
    return PathDepth(a.destination) < PathDepth(b.destination);
  });
  for (const Bind& b : binds) {
    plan.mounts.push_back(ToOci(b));
    if (b.ensure_dir) plan.host_dirs.push_back(b.source);
    if (b.relabel) plan.relabel.push_back(b.source);
    if (b.propagation == cri::PROPAGATION_BIDIRECTIONAL) {
      plan.rootfs_propagation = "rshared";
      plan.propagation_checks.push_back({b.source, true});
    } else if (b.propagation == cri::PROPAGATION_HOST_TO_CONTAINER) {
      if (plan.rootfs_propagation != "rshared") plan.rootfs_propagation = "rslave";
      plan.propagation_checks.push_back({b.source, false});
    }
  }
  return plan;
}

}  // namespace cria::runtime::spec

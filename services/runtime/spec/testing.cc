#include "services/runtime/spec/testing.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cria::runtime::spec::testing {

namespace cri = ::runtime::v1;

void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

cri::ContainerConfig BasicContainer() {
  cri::ContainerConfig c;
  c.mutable_metadata()->set_name("app");
  c.mutable_image()->set_image("registry.example/app:1");
  c.add_command("/bin/app");
  auto* ns = c.mutable_linux()->mutable_security_context()->mutable_namespace_options();
  ns->set_network(cri::POD);
  ns->set_ipc(cri::POD);
  ns->set_pid(cri::CONTAINER);
  return c;
}

cri::PodSandboxConfig BasicPod() {
  cri::PodSandboxConfig p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("uid-1");
  p.set_hostname("web-0");
  p.set_log_directory("/var/log/pods/default_web_uid-1");
  auto* ns = p.mutable_linux()->mutable_security_context()->mutable_namespace_options();
  ns->set_network(cri::POD);
  ns->set_ipc(cri::POD);
  ns->set_pid(cri::CONTAINER);
  return p;
}

HostFacts BasicHost() {
  HostFacts h;
  h.node_hostname = "node-1";
  h.kernel_major = 6;
  h.kernel_minor = 1;
  h.cgroup_v2 = true;
  h.recursive_read_only_supported = true;
  return h;
}

PreparedContainer BasicPrepared(const std::string& rootfs) {
  PreparedContainer p;
  p.container_id = "c1";
  p.pod_id = "p1";
  p.rootfs = rootfs;
  p.image_name = "registry.example/app:1";
  p.cgroup_parent = "/kubepods/pod-uid-1";
  p.namespaces.network = "/run/cria/netns/p1";
  p.namespaces.ipc = "/run/cria/ipcns/p1";
  p.namespaces.uts = "/run/cria/utsns/p1";
  return p;
}

Result<std::vector<HostDevice>> FakeHostLookup::Devices(const std::string& path) const {
  const HostDevice null_dev{"/dev/null", 'c', 1, 3, 0666, 0, 0};
  const HostDevice zero{"/dev/zero", 'c', 1, 5, 0666, 0, 0};
  const HostDevice card0{"/dev/dri/card0", 'c', 226, 0, 0660, 0, 44};
  const HostDevice render{"/dev/dri/renderD128", 'c', 226, 128, 0660, 0, 105};
  const HostDevice sda{"/dev/sda", 'b', 8, 0, 0660, 0, 6};
  if (path == "/dev") return std::vector<HostDevice>{card0, render, null_dev, sda, zero};
  if (path == "/dev/dri" || path == "/dev/dri/") return std::vector<HostDevice>{card0, render};
  for (const HostDevice& d : {null_dev, zero, card0, render, sda}) {
    if (d.path == path) return std::vector<HostDevice>{d};
  }
  return Status(StatusCode::kNotFound, "stat device " + path + ": ENOENT");
}

}  // namespace cria::runtime::spec::testing

#include "services/runtime/pods/pod_files.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "libs/records/atomic_file.h"

namespace cria::runtime::pods {
namespace {

// The pod's files live in its run dir, gone at reboot like the pod itself.
constexpr records::Durability kRunDir = records::Durability::kUntilReboot;

}  // namespace

PodFiles PodFilesIn(const std::string& dir) {
  return {dir + "/hostname", dir + "/hosts", dir + "/resolv.conf", dir + "/shm"};
}

std::string PodHostname(const ::runtime::v1::PodSandboxConfig& config,
                        const std::string& node_hostname) {
  // The kubelet sends none for a host-network pod: its containers have the node's UTS
  // namespace, and the spec generator gives them the node's name in $HOSTNAME too.
  return config.hostname().empty() ? node_hostname : config.hostname();
}

Status WritePodFiles(const std::string& dir, const ::runtime::v1::PodSandboxConfig& config,
                     const std::vector<std::string>& ips, const std::string& node_hostname) {
  PodFiles files = PodFilesIn(dir);
  const std::string hostname = PodHostname(config, node_hostname);
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(files.hostname, hostname + "\n", 0644, kRunDir),
                       "");
  std::string hosts =
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
      "ff02::2\tip6-allrouters\n";
  for (const std::string& ip : ips) hosts += ip + "\t" + hostname + "\n";
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(files.hosts, hosts, 0644, kRunDir), "");
  std::string resolv;
  const auto& dns = config.dns_config();
  if (dns.servers_size() + dns.searches_size() + dns.options_size() == 0) {
    std::ifstream host("/etc/resolv.conf");
    std::stringstream text;
    text << host.rdbuf();
    resolv = text.str();
  } else {
    for (const auto& s : dns.servers()) resolv += "nameserver " + s + "\n";
    if (dns.searches_size() > 0) {
      resolv += "search";
      for (const auto& s : dns.searches()) resolv += " " + s;
      resolv += "\n";
    }
    if (dns.options_size() > 0) {
      resolv += "options";
      for (const auto& o : dns.options()) resolv += " " + o;
      resolv += "\n";
    }
  }
  return records::WriteFileAtomic(files.resolv_conf, resolv, 0644, kRunDir);
}

Status MountShm(const std::string& dir) {
  const std::string shm = PodFilesIn(dir).shm;
  if (mkdir(shm.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus(errno, "create " + shm);
  if (mount("shm", shm.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "mode=1777,size=65536k") != 0) {
    return ErrnoStatus(errno, "mount the pod's /dev/shm at " + shm);
  }
  return OkStatus();
}

Status UnmountShm(const std::string& dir) {
  const std::string shm = PodFilesIn(dir).shm;
  if (umount2(shm.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoStatus(errno, "unmount " + shm);
  }
  return OkStatus();
}

Status UnpinNamespace(const std::string& path) {
  if (path.empty()) return OkStatus();
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoStatus(errno, "unmount " + path);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "remove " + path);
  return OkStatus();
}

}  // namespace cria::runtime::pods

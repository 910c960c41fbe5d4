// cria's configuration: one YAML file plus drop-ins merged in lexical order, one section
// per daemon and a common section (DESIGN.md section 5). Every key has an embedded
// default, so every daemon starts with no file at all. The keys, their types, defaults
// and documentation live in one table (schema.cc): validation, --print-config and the
// shipped default file (deploy/config/cria.yaml) all come from it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cria::config {

using Duration = std::chrono::milliseconds;

struct CommonSection {
  std::string state_dir = "/var/lib/cria";
  std::string run_dir = "/run/cria";
  std::string log_level = "info";
  Duration shutdown_grace_period = std::chrono::seconds(10);
};

struct GatewaySection {
  std::string cri_socket;        // empty: <run_dir>/cria.sock
  std::string cri_socket_group;  // empty: the socket stays root:root
  unsigned cri_socket_mode = 0660;
  Duration backend_wait_timeout = std::chrono::minutes(2);
  Duration status_timeout = std::chrono::seconds(2);
};

struct ImageSection {
  // Registries tried, in order, for a name without one ("busybox").
  std::vector<std::string> unqualified_search_registries = {"docker.io"};
  std::vector<std::string> short_name_aliases;   // "name=registry/repository"
  std::vector<std::string> registry_mirrors;     // "registry=mirror[/path]", tried in order
  std::vector<std::string> insecure_registries;  // "host[:port]": plain HTTP or unverified TLS
  std::string certs_dir = "/etc/cria/certs.d";   // <host[:port]>/{*.crt, *.cert + *.key}
  std::string auth_file;                         // Docker config.json / containers auth.json
  std::vector<std::string> pinned_images;        // never garbage-collected (the pause image)
  int max_concurrent_downloads = 3;
  int pull_retries = 4;
  Duration registry_timeout = std::chrono::seconds(30);
};
struct StorageSection {
  std::string driver = "auto";
};
struct NetworkSection {
  std::vector<std::string> cni_config_dirs = {"/etc/cni/net.d"};
  std::vector<std::string> cni_plugin_dirs = {"/opt/cni/bin", "/usr/lib/cni"};
  std::string default_network;  // empty: the first valid configuration by file name
  Duration plugin_timeout = std::chrono::minutes(1);
  std::string cni_config_template;  // empty: none
};

struct RuntimeSection {
  std::string default_runtime = "runc";
  std::string cgroup_driver = "auto";
  std::vector<std::string> runtime_handlers = {"runc", "crun"};  // names or name=path
  std::string conmon_path = "conmon";
  std::string pinns_path = "cria-pinns";
  std::string pause_path = "cria-pause";
  std::vector<std::string> cdi_spec_dirs = {"/etc/cdi", "/var/run/cdi"};
  // DESIGN.md section 10, as CRI-O's default_capabilities.
  std::vector<std::string> default_capabilities = {"CHOWN",   "DAC_OVERRIDE",     "FSETID",
                                                   "FOWNER",  "SETGID",           "SETUID",
                                                   "SETPCAP", "NET_BIND_SERVICE", "KILL"};
  std::vector<std::string> default_sysctls;  // name=value, as CRI-O's default_sysctls
  std::vector<std::string> default_ulimits;  // name=soft:hard, as CRI-O's default_ulimits
  std::string seccomp_profile;               // empty: the built-in RuntimeDefault
  bool privileged_without_host_devices = false;
  bool ignore_image_defined_volumes = false;
  std::vector<std::string> default_env;  // NAME=value, as CRI-O's default_env
};

struct Config {
  CommonSection common;
  GatewaySection gateway;
  ImageSection image;
  StorageSection storage;
  NetworkSection network;
  RuntimeSection runtime;
};

// The daemons, for the paths derived from the two roots.
enum class Daemon { kGateway, kImage, kStorage, kNetwork, kRuntime };

// "cria-gateway", "cria-image", ...
const char* DaemonName(Daemon daemon);
// The daemon's gRPC socket: <run_dir>/{cria,image,storage,network,runtime}.sock
// (the gateway's is gateway.cri_socket when set).
std::string SocketPath(const Config& config, Daemon daemon);
// The daemon's own subtree of the state dir: <state_dir>/<image|storage|network|runtime>.
std::string StateDir(const Config& config, Daemon daemon);

}  // namespace cria::config

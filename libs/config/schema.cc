#include "libs/config/schema.h"

#include <limits.h>

#include <cerrno>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "libs/capabilities/capability_names.h"
#include "libs/config/values.h"

namespace cria::config {
namespace {

using Validator = std::function<Status(std::string_view)>;

Status Invalid(std::string message) { return Status(StatusCode::kInvalidArgument, message); }

Validator OneOf(std::initializer_list<const char*> allowed) {
  std::vector<std::string> values(allowed.begin(), allowed.end());
  return [values](std::string_view v) -> Status {
    std::string list;
    for (const std::string& a : values) {
      if (v == a) return OkStatus();
      list += list.empty() ? a : ", " + a;
    }
    return Invalid("\"" + std::string(v) + "\" is not one of " + list);
  };
}

Status AbsoluteDir(std::string_view v) {
  if (v.empty() || v[0] != '/')
    return Invalid("\"" + std::string(v) + "\" is not an absolute path");
  if (v == "/") return Invalid("\"/\" cannot be used as a cria directory");
  if (v.size() >= PATH_MAX) return Invalid("path is longer than PATH_MAX");
  for (size_t i = 0; i < v.size();) {
    size_t end = v.find('/', i);
    if (end == std::string_view::npos) end = v.size();
    if (v.substr(i, end - i) == "..") {
      return Invalid("\"" + std::string(v) + "\" contains \"..\"");
    }
    i = end + 1;
  }
  return OkStatus();
}

Status EmptyOrAbsolute(std::string_view v) { return v.empty() ? OkStatus() : AbsoluteDir(v); }

Status GroupName(std::string_view v) {
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return Invalid("\"" + std::string(v) + "\" is not a valid group name");
  }
  return OkStatus();
}

Status Capability(std::string_view v) { return caps::NormalizeCapability(v).status(); }

// NAME=value with a NAME (the value may be empty).
Status EnvAssignment(std::string_view v) {
  const size_t eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Invalid("\"" + std::string(v) + "\" is not of the form NAME=value");
  }
  return OkStatus();
}

Status NonEmpty(std::string_view v) {
  return v.empty() ? Invalid("must not be empty") : OkStatus();
}

KeyDef StringKey(std::string section, std::string name, std::string doc,
                 std::function<std::string&(Config&)> ref, Validator validate) {
  auto cref = [ref](const Config& c) -> const std::string& { return ref(const_cast<Config&>(c)); };
  return KeyDef{std::move(section),
                std::move(name),
                "string",
                std::move(doc),
                [ref, validate](std::string_view text, Config& c) -> Status {
                  if (validate) {
                    Status s = validate(text);
                    if (!s.ok()) return s;
                  }
                  ref(c) = std::string(text);
                  return OkStatus();
                },
                nullptr,
                [cref](const Config& c) { return QuoteYaml(cref(c)); }};
}

KeyDef DurationKey(std::string section, std::string name, std::string doc,
                   std::function<Duration&(Config&)> ref, Duration min) {
  return KeyDef{
      std::move(section),
      std::move(name),
      "duration",
      std::move(doc),
      [ref, min](std::string_view text, Config& c) -> Status {
        Result<Duration> d = ParseDuration(text);
        if (!d.ok()) return d.status();
        if (*d < min) {
          return Invalid("must be at least " + FormatDuration(min) + ", got " + std::string(text));
        }
        ref(c) = *d;
        return OkStatus();
      },
      nullptr,
      [ref](const Config& c) { return FormatDuration(ref(const_cast<Config&>(c))); }};
}

KeyDef ModeKey(std::string section, std::string name, std::string doc,
               std::function<unsigned&(Config&)> ref) {
  return KeyDef{
      std::move(section),
      std::move(name),
      "file mode",
      std::move(doc),
      [ref](std::string_view text, Config& c) -> Status {
        Result<unsigned> m = ParseFileMode(text);
        if (!m.ok()) return m.status();
        ref(c) = *m;
        return OkStatus();
      },
      nullptr,
      [ref](const Config& c) { return QuoteYaml(FormatFileMode(ref(const_cast<Config&>(c)))); }};
}

KeyDef BoolKey(std::string section, std::string name, std::string doc,
               std::function<bool&(Config&)> ref) {
  return KeyDef{std::move(section),
                std::move(name),
                "boolean",
                std::move(doc),
                [ref](std::string_view text, Config& c) -> Status {
                  // YAML 1.2's booleans (yes/no/on/off are strings there).
                  if (text != "true" && text != "false") {
                    return Invalid("\"" + std::string(text) + "\" is not true or false");
                  }
                  ref(c) = text == "true";
                  return OkStatus();
                },
                nullptr,
                [ref](const Config& c) {
                  return std::string(ref(const_cast<Config&>(c)) ? "true" : "false");
                }};
}

KeyDef IntKey(std::string section, std::string name, std::string doc,
              std::function<int&(Config&)> ref, int min, int max) {
  return KeyDef{std::move(section),
                std::move(name),
                "integer",
                std::move(doc),
                [ref, min, max](std::string_view text, Config& c) -> Status {
                  std::string s(text);
                  char* end = nullptr;
                  errno = 0;
                  long v = std::strtol(s.c_str(), &end, 10);
                  if (s.empty() || *end != '\0' || errno != 0) {
                    return Invalid("\"" + s + "\" is not an integer");
                  }
                  if (v < min || v > max) {
                    return Invalid("must be between " + std::to_string(min) + " and " +
                                   std::to_string(max) + ", got " + s);
                  }
                  ref(c) = static_cast<int>(v);
                  return OkStatus();
                },
                nullptr,
                [ref](const Config& c) { return std::to_string(ref(const_cast<Config&>(c))); }};
}

// "key=value" with both sides non-empty.
Status KeyValue(std::string_view v) {
  size_t eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == v.size()) {
    return Invalid("\"" + std::string(v) + "\" is not of the form key=value");
  }
  return OkStatus();
}

KeyDef StringListKey(std::string section, std::string name, std::string doc,
                     std::function<std::vector<std::string>&(Config&)> ref, Validator item) {
  KeyDef key{std::move(section),
             std::move(name),
             "list of strings",
             std::move(doc),
             nullptr,
             nullptr,
             nullptr};
  key.set_list = [ref, item](const std::vector<std::string>& items, Config& c) -> Status {
    for (const std::string& v : items) {
      if (item) {
        Status s = item(v);
        if (!s.ok()) return s;
      }
    }
    ref(c) = items;
    return OkStatus();
  };
  key.get = [ref](const Config& c) {
    std::string out = "[";
    for (const std::string& v : ref(const_cast<Config&>(c))) {
      out += (out.size() > 1 ? ", " : "") + QuoteYaml(v);
    }
    return out + "]";
  };
  return key;
}

std::vector<KeyDef> BuildSchema() {
  std::vector<KeyDef> keys;
  // common
  keys.push_back(StringKey(
      "common", "state_dir",
      "Root of the persistent state; each daemon owns one subtree\n"
      "(image/, storage/, network/, runtime/). Overridden by --state-dir.",
      [](Config& c) -> std::string& { return c.common.state_dir; }, AbsoluteDir));
  keys.push_back(StringKey(
      "common", "run_dir",
      "Root of the runtime state (sockets, pinned namespaces, conmon files); lost at\n"
      "reboot. Overridden by --run-dir.",
      [](Config& c) -> std::string& { return c.common.run_dir; }, AbsoluteDir));
  keys.push_back(StringKey(
      "common", "log_level", "error, warn, info, debug or trace. Overridden by --log-level.",
      [](Config& c) -> std::string& { return c.common.log_level; },
      OneOf({"error", "warn", "info", "debug", "trace"})));
  keys.push_back(DurationKey(
      "common", "shutdown_grace_period",
      "On SIGTERM or SIGINT a daemon stops accepting calls and gives calls in flight\n"
      "this long to finish before it cancels them.",
      [](Config& c) -> Duration& { return c.common.shutdown_grace_period; }, Duration(0)));
  // gateway
  keys.push_back(StringKey(
      "gateway", "cri_socket",
      "The CRI endpoint the kubelet and criactl use. Empty: <run_dir>/cria.sock.",
      [](Config& c) -> std::string& { return c.gateway.cri_socket; }, EmptyOrAbsolute));
  keys.push_back(StringKey(
      "gateway", "cri_socket_group",
      "Group that owns the CRI socket (it may connect when the mode allows).\n"
      "Empty: root.",
      [](Config& c) -> std::string& { return c.gateway.cri_socket_group; }, GroupName));
  keys.push_back(ModeKey("gateway", "cri_socket_mode", "Permissions of the CRI socket.",
                         [](Config& c) -> unsigned& { return c.gateway.cri_socket_mode; }));
  keys.push_back(DurationKey(
      "gateway", "backend_wait_timeout",
      "How long a CRI call waits for a backend daemon that is down (restarting,\n"
      "upgrading) when the caller set no shorter deadline; then it fails UNAVAILABLE.",
      [](Config& c) -> Duration& { return c.gateway.backend_wait_timeout; }, Duration(1)));
  keys.push_back(DurationKey(
      "gateway", "status_timeout",
      "How long Status waits for each backend's answer before it reports that\n"
      "backend's condition as false.",
      [](Config& c) -> Duration& { return c.gateway.status_timeout; }, Duration(1)));
  // image
  keys.push_back(StringListKey(
      "image", "unqualified_search_registries",
      "Registries tried, in order, for an image named without one (\"busybox\").\n"
      "docker.io gives the ecosystem's normalisation: docker.io/library/busybox:latest.",
      [](Config& c) -> std::vector<std::string>& { return c.image.unqualified_search_registries; },
      NonEmpty));
  keys.push_back(StringListKey(
      "image", "short_name_aliases",
      "name=registry/repository: a short name that always means one image, e.g.\n"
      "\"pause=registry.k8s.io/pause\". An alias wins over the search registries.",
      [](Config& c) -> std::vector<std::string>& { return c.image.short_name_aliases; }, KeyValue));
  keys.push_back(StringListKey(
      "image", "registry_mirrors",
      "registry=mirror[/path]: pulls from the registry try its mirrors in the order\n"
      "listed, then the registry itself, e.g. \"docker.io=127.0.0.1:5000\". A mirror on\n"
      "a loopback address or listed in insecure_registries may be plain HTTP.",
      [](Config& c) -> std::vector<std::string>& { return c.image.registry_mirrors; }, KeyValue));
  keys.push_back(StringListKey(
      "image", "insecure_registries",
      "host[:port] of registries reached over plain HTTP, or over TLS without\n"
      "certificate verification. Loopback addresses are always allowed plain HTTP.",
      [](Config& c) -> std::vector<std::string>& { return c.image.insecure_registries; },
      NonEmpty));
  keys.push_back(StringKey(
      "image", "certs_dir",
      "Per-registry TLS files, as Docker's certs.d: <dir>/<host[:port]>/*.crt are CAs\n"
      "added to the system's, and a *.cert with the *.key of the same name is a\n"
      "client certificate. Empty: none.",
      [](Config& c) -> std::string& { return c.image.certs_dir; }, EmptyOrAbsolute));
  keys.push_back(StringKey(
      "image", "auth_file",
      "Registry credentials in Docker's config.json format ({\"auths\": {\"host\":\n"
      "{\"auth\": base64(user:password)}}}). Credentials the kubelet sends with a pull\n"
      "win over these. Empty: none.",
      [](Config& c) -> std::string& { return c.image.auth_file; }, EmptyOrAbsolute));
  keys.push_back(StringListKey(
      "image", "pinned_images",
      "Images reported as pinned, so the kubelet never garbage-collects them (the\n"
      "pause image, for instance).",
      [](Config& c) -> std::vector<std::string>& { return c.image.pinned_images; }, NonEmpty));
  keys.push_back(IntKey(
      "image", "max_concurrent_downloads", "Layers of one pull downloaded at the same time.",
      [](Config& c) -> int& { return c.image.max_concurrent_downloads; }, 1, 64));
  keys.push_back(IntKey(
      "image", "pull_retries",
      "Attempts for a registry request that fails transiently (connection reset, 5xx,\n"
      "429), with exponential backoff; 401, 403 and 404 fail at once.",
      [](Config& c) -> int& { return c.image.pull_retries; }, 1, 20));
  keys.push_back(DurationKey(
      "image", "registry_timeout",
      "Connect timeout, and how long a registry transfer may stall before it fails.",
      [](Config& c) -> Duration& { return c.image.registry_timeout; }, Duration(100)));
  // storage
  keys.push_back(StringKey(
      "storage", "driver",
      "overlay, vfs (full copies, for filesystems where overlay cannot run), or auto\n"
      "(overlay when a probe mount works). A store keeps the driver it was made with.",
      [](Config& c) -> std::string& { return c.storage.driver; },
      OneOf({"auto", "overlay", "vfs"})));
  // network
  keys.push_back(StringListKey(
      "network", "cni_config_dirs",
      "Directories of CNI network configurations (*.conflist, *.conf, *.json); the\n"
      "first valid one by file name is used unless default_network names one.",
      [](Config& c) -> std::vector<std::string>& { return c.network.cni_config_dirs; },
      AbsoluteDir));
  keys.push_back(StringListKey(
      "network", "cni_plugin_dirs", "Directories searched, in order, for CNI plugin binaries.",
      [](Config& c) -> std::vector<std::string>& { return c.network.cni_plugin_dirs; },
      AbsoluteDir));
  keys.push_back(StringKey(
      "network", "default_network",
      "Name of the CNI network pods join. Empty: the first valid configuration.",
      [](Config& c) -> std::string& { return c.network.default_network; }, nullptr));
  keys.push_back(DurationKey(
      "network", "plugin_timeout",
      "Longest a CNI plugin may run (ADD, DEL, CHECK) before it is killed.",
      [](Config& c) -> Duration& { return c.network.plugin_timeout; }, Duration(1)));
  keys.push_back(StringKey(
      "network", "cni_config_template",
      "A network configuration template. When the kubelet sends the node's pod CIDR\n"
      "(UpdateRuntimeConfig), {{.PodCIDR}} and {{.PodCIDRRanges}} in it are filled in\n"
      "and the result is written to <first config dir>/10-cria-template.conflist.\n"
      "Empty: no template.",
      [](Config& c) -> std::string& { return c.network.cni_config_template; }, EmptyOrAbsolute));
  // runtime
  keys.push_back(StringKey(
      "runtime", "default_runtime",
      "OCI runtime used when a pod names no runtime handler: a name looked up in\n"
      "PATH (runc, crun) or an absolute path.",
      [](Config& c) -> std::string& { return c.runtime.default_runtime; }, NonEmpty));
  keys.push_back(StringKey(
      "runtime", "cgroup_driver",
      "cgroupfs, systemd, or auto (systemd when systemd is PID 1, else cgroupfs).\n"
      "Reported to the kubelet through the CRI RuntimeConfig call.",
      [](Config& c) -> std::string& { return c.runtime.cgroup_driver; },
      OneOf({"auto", "cgroupfs", "systemd"})));
  keys.push_back(StringListKey(
      "runtime", "runtime_handlers",
      "The runtime handlers (RuntimeClass handlers) pods may ask for: an OCI runtime\n"
      "name looked up in PATH (runc, crun), or name=/path/to/runtime.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.runtime_handlers; }, NonEmpty));
  keys.push_back(StringKey(
      "runtime", "conmon_path",
      "conmon, the monitor of every container (Debian package conmon): a name looked\n"
      "up in PATH, or an absolute path.",
      [](Config& c) -> std::string& { return c.runtime.conmon_path; }, NonEmpty));
  keys.push_back(StringKey(
      "runtime", "pinns_path",
      "cria-pinns, which makes and pins pod namespaces: a name looked up in PATH and\n"
      "beside cria-runtime, or an absolute path.",
      [](Config& c) -> std::string& { return c.runtime.pinns_path; }, NonEmpty));
  keys.push_back(StringKey(
      "runtime", "pause_path",
      "cria-pause, PID 1 of pods that share one PID namespace (copied into the pod's\n"
      "infra rootfs; no image is pulled): a name looked up in PATH and beside\n"
      "cria-runtime, or an absolute path.",
      [](Config& c) -> std::string& { return c.runtime.pause_path; }, NonEmpty));
  keys.push_back(StringListKey(
      "runtime", "cdi_spec_dirs",
      "Directories of CDI (Container Device Interface) spec files, lowest priority\n"
      "first: a device in a later one replaces one of the same name in an earlier one.\n"
      "Containers ask for CDI devices by name (device plugins, DRA drivers). Empty:\n"
      "CDI devices are refused.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.cdi_spec_dirs; }, AbsoluteDir));
  keys.push_back(StringListKey(
      "runtime", "default_capabilities",
      "Capabilities a container that is not privileged starts with, before its security\n"
      "context adds or drops any (as CRI-O's default_capabilities): names with or without\n"
      "CAP_, in any case. Those the runtime itself lacks are left out.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.default_capabilities; },
      Capability));
  keys.push_back(StringListKey(
      "runtime", "default_sysctls",
      "Sysctls every pod gets, as CRI-O's default_sysctls: name=value items, namespaced\n"
      "ones only (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*,\n"
      "kernel.hostname, kernel.domainname; another stops cria-runtime at start). A pod's\n"
      "own value wins; a pod sharing that namespace with the host goes without it.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.default_sysctls; }, KeyValue));
  keys.push_back(StringListKey(
      "runtime", "default_ulimits",
      "Resource limits every container's process starts with, as CRI-O's\n"
      "default_ulimits: name=soft:hard or name=limit (core, cpu, data, fsize, locks,\n"
      "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack; -1\n"
      "or unlimited for no limit). Empty: containers inherit cria-runtime's limits.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.default_ulimits; }, KeyValue));
  keys.push_back(StringKey(
      "runtime", "seccomp_profile",
      "The seccomp profile (Docker or OCI JSON) containers asking for RuntimeDefault run\n"
      "under, as CRI-O's seccomp_profile; read at start. Empty: cria's built-in profile.",
      [](Config& c) -> std::string& { return c.runtime.seccomp_profile; }, EmptyOrAbsolute));
  keys.push_back(
      BoolKey("runtime", "privileged_without_host_devices",
              "Privileged containers get the default devices and device rules, not every device\n"
              "of the host (containerd's privileged_without_host_devices; for sandboxed runtimes\n"
              "and nodes whose disks must stay out of reach of privileged pods).",
              [](Config& c) -> bool& { return c.runtime.privileged_without_host_devices; }));
  keys.push_back(
      BoolKey("runtime", "ignore_image_defined_volumes",
              "Image VOLUMEs get no directory of their own: what a container writes there stays\n"
              "in its root filesystem (containerd's ignore_image_defined_volumes, CRI-O's\n"
              "image_volumes = \"ignore\"). Pods that need the space mount a volume there.",
              [](Config& c) -> bool& { return c.runtime.ignore_image_defined_volumes; }));
  keys.push_back(StringListKey(
      "runtime", "default_env",
      "Environment variables every container starts with, as CRI-O's default_env:\n"
      "NAME=value items. The image's and the container config's own win over them.",
      [](Config& c) -> std::vector<std::string>& { return c.runtime.default_env; }, EnvAssignment));
  return keys;
}

}  // namespace

const std::vector<std::string>& Sections() {
  static const std::vector<std::string> sections = {"common",  "gateway", "image",
                                                    "storage", "network", "runtime"};
  return sections;
}

const std::vector<KeyDef>& Schema() {
  static const std::vector<KeyDef> schema = BuildSchema();
  return schema;
}

const KeyDef* FindKey(std::string_view section, std::string_view name) {
  for (const KeyDef& k : Schema()) {
    if (k.section == section && k.name == name) return &k;
  }
  return nullptr;
}

std::string QuoteYaml(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace cria::config

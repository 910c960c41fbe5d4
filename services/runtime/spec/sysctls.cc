#include "services/runtime/spec/sysctls.h"

#include <algorithm>
#include <set>

namespace cria::runtime::spec {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

enum class Kind { kNetwork, kIpc, kUts, kNone };

// `name` with '/' separators made '.'; only the leading separators matter for the kind
// ("net/ipv4/conf/eth0.1/forwarding" keeps its dots in the interface name).
std::string Dotted(const std::string& name) {
  std::string dotted = name;
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  return dotted;
}

Kind KindOf(const std::string& dotted) {
  if (StartsWith(dotted, "net.")) return Kind::kNetwork;
  if (dotted == "kernel.sem" || StartsWith(dotted, "kernel.shm") ||
      StartsWith(dotted, "kernel.msg") || StartsWith(dotted, "fs.mqueue.")) {
    return Kind::kIpc;
  }
  if (dotted == "kernel.hostname" || dotted == "kernel.domainname") return Kind::kUts;
  return Kind::kNone;
}

// Whether the pod may have sysctl `name`: InvalidArgument saying why not.
Status CheckSysctl(const std::string& name, bool host_network, bool host_ipc) {
  switch (KindOf(Dotted(name))) {
    case Kind::kNetwork:
      if (host_network) {
        return Status(StatusCode::kInvalidArgument,
                      "sysctl " + name + " is not allowed with host networking");
      }
      break;
    case Kind::kIpc:
      if (host_ipc) {
        return Status(StatusCode::kInvalidArgument,
                      "sysctl " + name + " is not allowed with the host IPC namespace");
      }
      break;
    case Kind::kUts:
      if (host_network) {
        return Status(StatusCode::kInvalidArgument,
                      "sysctl " + name + " is not allowed with the host UTS namespace");
      }
      break;
    case Kind::kNone:
      return Status(StatusCode::kInvalidArgument,
                    "sysctl " + name + " is not namespaced and cannot be set for a pod");
  }
  return OkStatus();
}

}  // namespace

Result<std::map<std::string, std::string>> BuildSysctls(
    const google::protobuf::Map<std::string, std::string>& sysctls, bool host_network,
    bool host_ipc) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : sysctls) {
    CRIA_RETURN_IF_ERROR(CheckSysctl(name, host_network, host_ipc), "");
    out[name] = value;
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseDefaultSysctls(
    const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status(StatusCode::kInvalidArgument,
                    "default sysctl \"" + item + "\" is not of the form name=value");
    }
    const std::string name = item.substr(0, eq);
    // Namespaced ones only: any other would be refused in every pod.
    CRIA_RETURN_IF_ERROR(CheckSysctl(name, false, false), "");
    out[name] = item.substr(eq + 1);
  }
  return out;
}

Result<std::map<std::string, std::string>> PodSysctls(
    const std::map<std::string, std::string>& defaults,
    const google::protobuf::Map<std::string, std::string>& sysctls, bool host_network,
    bool host_ipc) {
  CRIA_ASSIGN_OR_RETURN(auto out, BuildSysctls(sysctls, host_network, host_ipc), "");
  std::set<std::string> given;
  for (const auto& [name, value] : out) given.insert(Dotted(name));
  for (const auto& [name, value] : defaults) {
    if (given.count(Dotted(name)) != 0) continue;
    if (!CheckSysctl(name, host_network, host_ipc).ok()) continue;  // the host's namespace
    out[name] = value;
  }
  return out;
}

bool IsNetworkSysctl(const std::string& name) { return KindOf(Dotted(name)) == Kind::kNetwork; }

}  // namespace cria::runtime::spec

#include "services/runtime/spec/sysctls.h"

#include <algorithm>

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

}  // namespace

Result<std::map<std::string, std::string>> BuildSysctls(
    const google::protobuf::Map<std::string, std::string>& sysctls, bool host_network,
    bool host_ipc) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : sysctls) {
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
    out[name] = value;
  }
  return out;
}

bool IsNetworkSysctl(const std::string& name) { return KindOf(Dotted(name)) == Kind::kNetwork; }

}  // namespace cria::runtime::spec

#include "services/runtime/spec/namespaces.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

Status CheckUserNamespace(const cri::NamespaceOption* ns, const char* whose) {
  if (ns == nullptr || !ns->has_userns_options()) return OkStatus();
  const cri::NamespaceMode mode = ns->userns_options().mode();
  if (mode == cri::NODE) return OkStatus();
  return Status(StatusCode::kInvalidArgument,
                std::string(whose) + " asks for a user namespace (mode " +
                    cri::NamespaceMode_Name(mode) +
                    "); user namespaces are not supported by cria yet");
}

}  // namespace

bool HostNetwork(const cri::NamespaceOption* pod) {
  return pod != nullptr && pod->network() == cri::NODE;
}

bool HostIpc(const cri::NamespaceOption* pod) { return pod != nullptr && pod->ipc() == cri::NODE; }

Result<std::vector<Namespace>> BuildNamespaces(const NamespaceInputs& in) {
  CRIA_RETURN_IF_ERROR(CheckUserNamespace(in.pod, "the pod"), "");
  CRIA_RETURN_IF_ERROR(CheckUserNamespace(in.container, "the container"), "");

  const cri::NamespaceMode network = in.pod != nullptr ? in.pod->network() : cri::POD;
  const cri::NamespaceMode ipc = in.pod != nullptr ? in.pod->ipc() : cri::POD;
  const cri::NamespaceMode pid = in.container != nullptr ? in.container->pid() : cri::POD;
  if (network != cri::POD && network != cri::NODE) {
    return Status(StatusCode::kInvalidArgument, "network namespace mode " +
                                                    cri::NamespaceMode_Name(network) +
                                                    " is not valid (POD or NODE)");
  }
  if (ipc != cri::POD && ipc != cri::NODE) {
    return Status(
        StatusCode::kInvalidArgument,
        "IPC namespace mode " + cri::NamespaceMode_Name(ipc) + " is not valid (POD or NODE)");
  }

  std::vector<Namespace> out;
  out.push_back({"mount", ""});
  if (network == cri::POD) out.push_back({"network", in.paths.network});
  if (ipc == cri::POD) out.push_back({"ipc", in.paths.ipc});
  // The kubelet gives a host-network pod the node's hostname: it shares the host's UTS.
  if (network == cri::POD) out.push_back({"uts", in.paths.uts});
  if (in.new_pid) {
    out.push_back({"pid", ""});
  } else {
    switch (pid) {
      case cri::POD:
        out.push_back({"pid", in.paths.pid});
        break;
      case cri::CONTAINER:
        out.push_back({"pid", ""});
        break;
      case cri::NODE:
        break;
      case cri::TARGET:
        if (in.target_pid <= 0) {
          const std::string target =
              in.container != nullptr ? in.container->target_id() : std::string();
          return Status(StatusCode::kInvalidArgument,
                        "PID namespace mode TARGET: target container \"" + target +
                            "\" has no running process");
        }
        out.push_back({"pid", "/proc/" + std::to_string(in.target_pid) + "/ns/pid"});
        break;
      default:
        return Status(StatusCode::kInvalidArgument,
                      "unknown PID namespace mode " + std::to_string(pid));
    }
  }
  if (in.cgroup_namespace) out.push_back({"cgroup", ""});
  return out;
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/pause_spec.h"

#include "services/runtime/spec/annotations.h"
#include "services/runtime/spec/cgroup_path.h"
#include "services/runtime/spec/deprecated_fields.h"
#include "services/runtime/spec/devices.h"
#include "services/runtime/spec/environment.h"
#include "services/runtime/spec/lsm.h"
#include "services/runtime/spec/masked_paths.h"
#include "services/runtime/spec/mounts.h"
#include "services/runtime/spec/namespaces.h"
#include "services/runtime/spec/passwd.h"
#include "services/runtime/spec/seccomp.h"
#include "services/runtime/spec/sysctls.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

}  // namespace

Result<GeneratedPauseSpec> GeneratePauseSpec(const cri::PodSandboxConfig& pod,
                                             const PreparedPause& prepared, const HostFacts& host) {
  const cri::LinuxSandboxSecurityContext& security = pod.linux().security_context();
  const bool privileged = security.privileged();
  if (prepared.rootfs.empty() || prepared.rootfs.front() != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "pause rootfs \"" + prepared.rootfs + "\" is not an absolute path");
  }
  if (prepared.args.empty()) {
    return Status(StatusCode::kInvalidArgument, "pause process without arguments");
  }
  const cri::NamespaceOption* pod_ns =
      security.has_namespace_options() ? &security.namespace_options() : nullptr;
  const bool host_network = HostNetwork(pod_ns);
  const bool host_ipc = HostIpc(pod_ns);

  GeneratedPauseSpec out;
  Spec& spec = out.spec;

  NamespaceInputs ns;
  ns.pod = pod_ns;
  ns.paths = prepared.namespaces;
  ns.new_pid = true;
  ns.cgroup_namespace = host.cgroup_v2 && !privileged;
  CRIA_ASSIGN_OR_RETURN(spec.linux.namespaces, BuildNamespaces(ns), "pod namespaces");

  Process& process = spec.process;
  process.args = prepared.args;
  process.env = {kDefaultPath};
  if (security.has_run_as_group() && !security.has_run_as_user()) {
    return Status(StatusCode::kInvalidArgument,
                  "pod run_as_group is only valid together with run_as_user");
  }
  process.user.uid = kPauseUid;
  process.user.gid = kPauseUid;
  if (security.has_run_as_user()) {
    CRIA_ASSIGN_OR_RETURN(process.user.uid,
                          IdFromCri(security.run_as_user().value(), "run_as_user"), "");
    process.user.gid = 0;
  }
  if (security.has_run_as_group()) {
    CRIA_ASSIGN_OR_RETURN(process.user.gid,
                          IdFromCri(security.run_as_group().value(), "run_as_group"), "");
  }
  process.user.additional_gids = {process.user.gid};
  process.no_new_privileges = true;
  CRIA_ASSIGN_OR_RETURN(
      process.apparmor_profile,
      AppArmorProfile(security.has_apparmor(), security.apparmor(), "", privileged, host), "pod");
  CRIA_ASSIGN_OR_RETURN(SelinuxLabels labels, SelinuxLabelsFor(security.selinux_options(), host),
                        "pod");
  process.selinux_label = labels.process;
  spec.linux.mount_label = labels.mount;
  CRIA_ASSIGN_OR_RETURN(out.oom_score_adj,
                        ClampOomScoreAdj(kPauseOomScoreAdj, host.oom_score_adj_floor), "");
  process.oom_score_adj = out.oom_score_adj.applied;

  spec.root.path = prepared.rootfs;
  spec.root.readonly = true;
  if (!host_network) spec.hostname = pod.hostname();

  for (Mount& m : SystemMounts(privileged)) {
    if (m.destination == "/proc" || m.destination == "/dev" || m.destination == "/dev/pts") {
      spec.mounts.push_back(std::move(m));
    }
  }

  spec.linux.resources.devices = DefaultDeviceRules();
  spec.linux.resources.pids_limit = prepared.pids_limit;
  if (!privileged) {
    spec.linux.masked_paths = DefaultMaskedPaths();
    spec.linux.readonly_paths = DefaultReadonlyPaths();
  }
  CRIA_ASSIGN_OR_RETURN(spec.linux.sysctl,
                        BuildSysctls(pod.linux().sysctls(), host_network, host_ipc), "pod");

  CRIA_ASSIGN_OR_RETURN(
      SeccompChoice seccomp,
      ChooseSeccomp(security.has_seccomp(), security.seccomp(), DeprecatedSeccompPath(security)),
      "pod");
  CRIA_ASSIGN_OR_RETURN(spec.linux.seccomp_json,
                        SeccompJson(seccomp, privileged, process.capabilities, host), "pod");

  CRIA_ASSIGN_OR_RETURN(
      spec.linux.cgroups_path,
      CgroupsPath(prepared.cgroup_parent, prepared.cgroup_driver, prepared.pod_id), "");
  spec.annotations = SandboxAnnotations(pod, prepared.pod_id);
  return out;
}

}  // namespace cria::runtime::spec

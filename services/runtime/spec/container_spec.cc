#include "services/runtime/spec/container_spec.h"

#include "services/runtime/spec/annotations.h"
#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/cdi_edits.h"
#include "services/runtime/spec/cgroup_path.h"
#include "services/runtime/spec/deprecated_fields.h"
#include "services/runtime/spec/devices.h"
#include "services/runtime/spec/environment.h"
#include "services/runtime/spec/lsm.h"
#include "services/runtime/spec/masked_paths.h"
#include "services/runtime/spec/namespaces.h"
#include "services/runtime/spec/process_args.h"
#include "services/runtime/spec/seccomp.h"
#include "services/runtime/spec/sysctls.h"
#include "services/runtime/spec/user.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

bool HasSelinuxOptions(const cri::SELinuxOption& o) {
  return !o.user().empty() || !o.role().empty() || !o.type().empty() || !o.level().empty();
}

}  // namespace

Result<GeneratedSpec> GenerateContainerSpec(const cri::ContainerConfig& config,
                                            const cri::PodSandboxConfig& pod,
                                            const ::cria::image::v1::ImageConfig& image,
                                            const PreparedContainer& prepared,
                                            const HostFacts& host, const HostLookup& lookup) {
  const cri::LinuxContainerSecurityContext& security = config.linux().security_context();
  const cri::LinuxSandboxSecurityContext& pod_security = pod.linux().security_context();
  const bool privileged = security.privileged();
  if (privileged && !pod_security.privileged()) {
    return Status(StatusCode::kInvalidArgument,
                  "container " + config.metadata().name() +
                      " is privileged but its pod does not allow privileged containers");
  }
  if (prepared.rootfs.empty() || prepared.rootfs.front() != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "rootfs \"" + prepared.rootfs + "\" is not an absolute path");
  }

  const cri::NamespaceOption* pod_ns =
      pod_security.has_namespace_options() ? &pod_security.namespace_options() : nullptr;
  const cri::NamespaceOption* container_ns =
      security.has_namespace_options() ? &security.namespace_options() : nullptr;
  const bool host_network = HostNetwork(pod_ns);
  const bool host_ipc = HostIpc(pod_ns);

  GeneratedSpec out;
  Spec& spec = out.spec;

  NamespaceInputs ns;
  ns.pod = pod_ns;
  ns.container = container_ns;
  ns.paths = prepared.namespaces;
  ns.target_pid = prepared.target_pid;
  ns.cgroup_namespace = host.cgroup_v2 && !privileged;
  CRIA_ASSIGN_OR_RETURN(spec.linux.namespaces, BuildNamespaces(ns), "namespaces");

  // process
  Process& process = spec.process;
  CRIA_ASSIGN_OR_RETURN(process.args, ProcessArgs(config, image, prepared.image_name), "");
  CRIA_ASSIGN_OR_RETURN(process.cwd, ProcessCwd(config, image), "");
  const std::string hostname = pod.hostname().empty() ? host.node_hostname : pod.hostname();
  CRIA_ASSIGN_OR_RETURN(
      process.env, BuildEnv(image.env(), config.envs(), hostname, config.tty(), host.default_env),
      "");
  process.terminal = config.tty();
  CRIA_ASSIGN_OR_RETURN(process.user,
                        ResolveUser(security, image.user(), prepared.rootfs, prepared.image_name),
                        "user");
  CRIA_ASSIGN_OR_RETURN(process.capabilities,
                        BuildCapabilities(security.capabilities(), privileged,
                                          host.default_capabilities, host.all_capabilities),
                        "");
  process.no_new_privileges = security.no_new_privs();
  CRIA_ASSIGN_OR_RETURN(process.apparmor_profile,
                        AppArmorProfile(security.has_apparmor(), security.apparmor(),
                                        DeprecatedAppArmorProfile(security), privileged, host),
                        "");
  CRIA_ASSIGN_OR_RETURN(SelinuxLabels labels,
                        SelinuxLabelsFor(HasSelinuxOptions(security.selinux_options())
                                             ? security.selinux_options()
                                             : pod_security.selinux_options(),
                                         host),
                        "");
  process.selinux_label = labels.process;
  spec.linux.mount_label = labels.mount;
  CRIA_ASSIGN_OR_RETURN(
      out.oom_score_adj,
      ClampOomScoreAdj(config.linux().resources().oom_score_adj(), host.oom_score_adj_floor), "");
  process.oom_score_adj = out.oom_score_adj.applied;
  process.rlimits = prepared.rlimits;

  // root, hostname
  spec.root.path = prepared.rootfs;
  spec.root.readonly = security.readonly_rootfs();
  if (!host_network) spec.hostname = pod.hostname();

  // mounts
  MountInputs mount_inputs;
  mount_inputs.privileged = privileged;
  mount_inputs.readonly_rootfs = security.readonly_rootfs();
  mount_inputs.host_ipc = host_ipc;
  mount_inputs.recursive_read_only_supported = host.recursive_read_only_supported;
  mount_inputs.pod_files = prepared.pod_files;
  mount_inputs.volumes_dir = prepared.volumes_dir;
  CRIA_ASSIGN_OR_RETURN(MountPlan mounts,
                        BuildMounts(config.mounts(), image.volumes(), mount_inputs), "mounts");
  spec.mounts = std::move(mounts.mounts);
  spec.linux.rootfs_propagation = mounts.rootfs_propagation;
  out.host_dirs = std::move(mounts.host_dirs);
  out.image_volumes = std::move(mounts.image_volumes);
  out.relabel = std::move(mounts.relabel);
  out.propagation_checks = std::move(mounts.propagation_checks);

  // devices, hidden paths, sysctls
  CRIA_ASSIGN_OR_RETURN(
      DevicePlan devices,
      BuildDevices(config.devices(), privileged, host.privileged_without_host_devices, lookup),
      "devices");
  spec.linux.devices = std::move(devices.devices);
  CRIA_ASSIGN_OR_RETURN(HiddenPaths hidden, BuildHiddenPaths(security, privileged), "");
  spec.linux.masked_paths = std::move(hidden.masked);
  spec.linux.readonly_paths = std::move(hidden.readonly);
  CRIA_ASSIGN_OR_RETURN(spec.linux.sysctl,
                        BuildSysctls(pod.linux().sysctls(), host_network, host_ipc), "");

  // seccomp
  CRIA_ASSIGN_OR_RETURN(
      SeccompChoice seccomp,
      ChooseSeccomp(security.has_seccomp(), security.seccomp(), DeprecatedSeccompPath(security)),
      "");
  CRIA_ASSIGN_OR_RETURN(spec.linux.seccomp_json,
                        SeccompJson(seccomp, privileged, process.capabilities, host), "");

  // cgroups
  CRIA_ASSIGN_OR_RETURN(spec.linux.resources, BuildResources(config.linux().resources(), host),
                        "resources");
  spec.linux.resources.devices = std::move(devices.rules);
  spec.linux.resources.pids_limit = prepared.pids_limit;
  CRIA_ASSIGN_OR_RETURN(
      spec.linux.cgroups_path,
      CgroupsPath(prepared.cgroup_parent, prepared.cgroup_driver, prepared.container_id), "");

  spec.annotations = ContainerAnnotations(config, pod, prepared.pod_id, prepared.image_name);
  // Last, as containerd and CRI-O apply them: a device's edits may replace what cria made.
  if (!prepared.cdi_edits.empty()) {
    CRIA_RETURN_IF_ERROR(ApplyCdiEdits(prepared.cdi_edits, lookup, &spec), "CDI devices");
  }
  return out;
}

}  // namespace cria::runtime::spec

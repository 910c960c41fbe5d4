// CreateContainer: the request checked, the image resolved, the rootfs made, the OCI
// spec generated and written to the bundle, the record kept; undone step by step on
// failure. Nothing runs until StartContainer.
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "libs/clock/unix_time.h"
#include "libs/ids/random_id.h"
#include "libs/log/log.h"
#include "libs/records/atomic_file.h"
#include "libs/records/small_file.h"
#include "libs/undo/undo_stack.h"
#include "services/runtime/cdi/cdi_registry.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/containers/image_names.h"
#include "services/runtime/containers/selinux_relabel.h"
#include "services/runtime/containers/signals.h"
#include "services/runtime/containers/volume_content.h"
#include "services/runtime/pods/pod_files.h"
#include "services/runtime/spec/container_spec.h"
#include "services/runtime/spec/propagation.h"
#include "services/runtime/spec/spec_json.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

// Whether the host mounts of bind sources allow the propagation their CRI mounts ask for.
// runc does not check: an rshared bind of a source on a private mount is accepted and
// simply never propagates, so a BIDIRECTIONAL volume would silently act as a private one.
Status CheckPropagation(const std::vector<spec::PropagationCheck>& checks) {
  if (checks.empty()) return OkStatus();
  CRIA_ASSIGN_OR_RETURN(std::string mountinfo,
                        records::ReadSmallFile("/proc/self/mountinfo", 16 << 20), "");
  for (spec::PropagationCheck check : checks) {
    std::error_code ec;
    const fs::path real = fs::canonical(check.host_path, ec);
    if (ec) return ErrnoStatus(ec.value(), "resolve the mount source " + check.host_path);
    check.host_path = real;
    CRIA_RETURN_IF_ERROR(spec::CheckPropagation(check, mountinfo), "");
  }
  return OkStatus();
}

// What CreateContainer refuses before it makes anything: the name, the image, the log path.
Status CheckRequest(const ::runtime::v1::ContainerConfig& config) {
  const std::string& name = config.metadata().name();
  if (name.empty()) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: metadata.name is empty");
  }
  if (name.find('/') != std::string::npos || name.find('_') != std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "CreateContainer: metadata.name \"" + name + "\" may not contain '/' or '_'");
  }
  if (config.image().image().empty()) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: no image given");
  }
  // The kubelet's is "<name>/<restart count>.log" under the pod's log directory; conmon
  // writes it as root, so it may not lead anywhere else.
  const fs::path log_path = fs::path(config.log_path()).lexically_normal();
  if (log_path.is_absolute() || (!log_path.empty() && *log_path.begin() == "..")) {
    return Status(StatusCode::kInvalidArgument, "CreateContainer: log_path \"" + config.log_path() +
                                                    "\" is not inside the pod's log directory");
  }
  return OkStatus();
}

}  // namespace

bool ContainerManager::TargetsPid(const ::runtime::v1::ContainerConfig& config) {
  return config.linux().security_context().namespace_options().pid() == ::runtime::v1::TARGET;
}

Result<std::string> ContainerManager::Create(
    const std::string& pod_id, const ::runtime::v1::ContainerConfig& config,
    const ::runtime::v1::PodSandboxConfig& pod_config,
    std::chrono::system_clock::time_point caller_deadline) {
  CRIA_RETURN_IF_ERROR(CheckRequest(config), "");
  CRIA_RETURN_IF_ERROR(CheckPodReady(pod_id), "CreateContainer");
  // Held throughout: a stop or removal of the pod waits for this container, or has made
  // the pod NOTREADY first (checked again under the lock) and this call fails.
  auto pod_holder = pods_.LockFor(pod_id);
  std::lock_guard<std::mutex> pod_lock(*pod_holder);
  CRIA_RETURN_IF_ERROR(CheckPodReady(pod_id), "CreateContainer");
  CRIA_ASSIGN_OR_RETURN(pods::PodRecord pod, pods_.Get(pod_id), "CreateContainer");
  if (config.stop_signal() != ::runtime::v1::RUNTIME_DEFAULT) {
    CRIA_RETURN_IF_ERROR(ParseSignal(::runtime::v1::Signal_Name(config.stop_signal())).status(),
                         "CreateContainer: stop_signal " + std::to_string(config.stop_signal()));
  }
  int target_pid = 0;
  if (TargetsPid(config)) {
    CRIA_ASSIGN_OR_RETURN(target_pid, TargetPid(pod_id, config), "CreateContainer");
  }
  // Before anything is made: a device the node lacks fails the call at once.
  std::vector<cdi::ContainerEdits> cdi_edits;
  if (std::vector<std::string> names = cdi::RequestedDevices(config); !names.empty()) {
    if (options_.cdi_spec_dirs.empty()) {
      return Status(StatusCode::kInvalidArgument,
                    "CreateContainer: CDI devices are off (runtime.cdi_spec_dirs is empty); asked "
                    "for " +
                        names.front());
    }
    CRIA_ASSIGN_OR_RETURN(cdi_edits, cdi::Resolve(options_.cdi_spec_dirs, names),
                          "CreateContainer");
  }
  ContainerRecord record;
  record.id = NewRandomId();
  record.pod_id = pod_id;
  record.config = config;
  record.handler = pod.runtime_handler;
  record.created_unix_nano = UnixNanosNow();
  record.bundle = options_.run_dir + "/containers/" + record.id;
  CRIA_RETURN_IF_ERROR(RuntimeFor(record.handler).status(), "CreateContainer");
  const std::string name = record.ReservedName(pod.config.metadata());
  const std::string what = "CreateContainer " + name;
  if (std::optional<std::string> late = names_.TakeLate(name, caller_deadline)) {
    if (Result<ContainerRecord> held = Get(*late);
        held.ok() && held->state == ContainerState::kCreated) {
      log::Info("a retried CreateContainer gets the container made after its first call gave up",
                {{"container", *late}, {"name", name}});
      return *late;
    }
  }
  UndoStack undo;
  CRIA_RETURN_IF_ERROR(names_.Reserve(name, record.id, "CreateContainer"), "");
  undo.Push("release " + name, [this, name] {
    names_.Release(name);
    return OkStatus();
  });

  CRIA_ASSIGN_OR_RETURN(image::v1::ResolveResponse image, images_.Resolve(config.image().image()),
                        what);
  record.image_id = image.id();
  ImageNames names = ChooseImageNames(config.image().image(), config.image().user_specified_image(),
                                      image.repo_tags(), image.repo_digests());
  record.image_name = std::move(names.name);
  record.image_digest = std::move(names.digest);
  record.stop_signal = image.config().stop_signal();
  // Mounted writable even for a readonly_rootfs container: the OCI runtime creates the
  // mount points the image lacks (/proc, /sys, volume targets) and only then makes the
  // rootfs read-only (root.readonly in the spec), as with containerd and CRI-O.
  CRIA_ASSIGN_OR_RETURN(
      record.rootfs,
      storage_.CreateAndMount(record.id, image.top_layer(), /*read_only=*/false, image.id()), what);
  const std::string id = record.id;
  undo.Push("remove the rootfs", [this, id] { return storage_.Remove(id); });
  CRIA_ASSIGN_OR_RETURN(const ::runtime::v1::ContainerConfig spec_config,
                        MountImageVolumes(id, &record.config, undo), what);

  std::error_code ec;
  fs::create_directories(record.bundle, ec);
  if (ec) return ErrnoStatus(ec.value(), what + ": create " + record.bundle);
  const std::string bundle = record.bundle;
  undo.Push("remove " + bundle, [bundle] {
    std::error_code rm;
    fs::remove_all(bundle, rm);
    return OkStatus();
  });
  // Image VOLUMEs' directories hold what the container writes there: on the state dir's
  // disk, as containerd keeps them under its root, not in the run dir (a tmpfs, RAM, on
  // most nodes). Made below, with the mount sources.
  const std::string volumes = VolumesDir(record.id);
  undo.Push("remove " + volumes, [volumes] {
    std::error_code rm;
    fs::remove_all(volumes, rm);
    return OkStatus();
  });
  if (!pod.config.log_directory().empty() && !config.log_path().empty()) {
    record.log_path = (fs::path(pod.config.log_directory()) / config.log_path()).lexically_normal();
    fs::create_directories(fs::path(record.log_path).parent_path(), ec);
  } else {
    record.log_path = record.bundle + "/container.log";
  }

  spec::PreparedContainer prepared;
  prepared.container_id = record.id;
  prepared.pod_id = pod_id;
  prepared.rootfs = record.rootfs;
  prepared.image_name = config.image().user_specified_image().empty()
                            ? config.image().image()
                            : config.image().user_specified_image();
  prepared.cgroup_parent = pod.config.linux().cgroup_parent();
  prepared.cgroup_driver = options_.cgroup_driver;
  prepared.namespaces.network = pod.net_ns;
  prepared.namespaces.ipc = pod.ipc_ns;
  prepared.namespaces.uts = pod.uts_ns;
  prepared.namespaces.pid = pod.pid_ns;
  prepared.target_pid = target_pid;
  pods::PodFiles files = pods::PodFilesIn(pod.dir);
  prepared.pod_files = {files.hosts, files.resolv_conf, files.hostname,
                        pod.HostIpc() ? "/dev/shm" : files.shm};
  if (!options_.ignore_image_volumes) prepared.volumes_dir = volumes;
  prepared.rlimits = options_.rlimits;
  prepared.cdi_edits = std::move(cdi_edits);
  (void)pod_config;  // the stored pod config is authoritative
  CRIA_ASSIGN_OR_RETURN(spec::GeneratedSpec generated,
                        spec::GenerateContainerSpec(spec_config, pod.config, image.config(),
                                                    prepared, options_.host, lookup_),
                        what);
  // cria-runtime said so at info level once, at start; per container it is detail.
  if (generated.oom_score_adj.Clamped()) {
    log::Debug("oom_score_adj clamped to what cria-runtime may set",
               {{"container", record.id},
                {"requested", generated.oom_score_adj.requested},
                {"applied", generated.oom_score_adj.applied}});
  }
  for (const std::string& dir : generated.host_dirs) {
    // What did not exist is removed again if this call fails later (empty dirs only).
    std::vector<fs::path> missing;
    for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec);
         p = p.parent_path()) {
      missing.push_back(p);
      if (p == p.parent_path()) break;
    }
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus(ec.value(), what + ": create the mount source " + dir);
    undo.Push("remove the mount source " + dir + " it made", [missing] {
      for (const fs::path& p : missing) ::rmdir(p.c_str());  // deepest first
      return OkStatus();
    });
  }
  // Made above, empty (the volumes' undo removes them if this call fails later).
  for (const spec::ImageVolumeDir& v : generated.image_volumes) {
    CRIA_RETURN_IF_ERROR(CopyVolumeContent(record.rootfs, v.destination, v.host_dir), what);
  }
  CRIA_RETURN_IF_ERROR(CheckPropagation(generated.propagation_checks), what);
  // Mounts asking for a relabel get the container's mount label (SELinux hosts only).
  if (options_.host.selinux_enabled && !generated.spec.linux.mount_label.empty()) {
    CRIA_RETURN_IF_ERROR(RelabelTrees(generated.relabel, generated.spec.linux.mount_label), what);
  }
  record.cgroups_path = generated.spec.linux.cgroups_path;
  auto* user = record.user.mutable_linux();
  user->set_uid(generated.spec.process.user.uid);
  user->set_gid(generated.spec.process.user.gid);
  for (uint32_t gid : generated.spec.process.user.additional_gids) {
    user->add_supplemental_groups(gid);
  }
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::SpecToJson(generated.spec), what);
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(record.bundle + "/config.json", json, 0600,
                                                records::Durability::kUntilReboot),
                       what);
  record.state = ContainerState::kCreated;
  CRIA_RETURN_IF_ERROR(Persist(record), what);
  undo.Commit();
  log::Info("container created", {{"container", record.id}, {"name", name}});
  if (ids::AnswerMayBeLate(caller_deadline)) {
    // The caller may not get this answer; the kubelet asks again for the same name.
    names_.MarkLate(record.id);
    log::Info("container created at or after its caller's deadline, kept for the retry",
              {{"container", record.id}});
  }
  return record.id;
}

// As containerd does for ephemeral (debug) containers: the target is a running container
// of the same pod, and the new one joins the PID namespace of its process.
Result<int> ContainerManager::TargetPid(const std::string& pod_id,
                                        const ::runtime::v1::ContainerConfig& config) {
  const std::string& target_id = config.linux().security_context().namespace_options().target_id();
  const std::string what = "PID namespace mode TARGET: target container \"" + target_id + "\"";
  if (target_id.empty()) {
    return Status(StatusCode::kInvalidArgument, "PID namespace mode TARGET needs a target_id");
  }
  CRIA_ASSIGN_OR_RETURN(ContainerRecord target, Get(target_id), what);
  if (target.pod_id != pod_id) {
    return Status(StatusCode::kInvalidArgument,
                  what + " is in another pod (" + target.pod_id + ")");
  }
  if (target.state != ContainerState::kRunning || target.pid <= 0) {
    return Status(StatusCode::kFailedPrecondition, what + " is not running");
  }
  return target.pid;
}

}  // namespace cria::runtime::containers

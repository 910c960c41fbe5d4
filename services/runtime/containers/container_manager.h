// Containers of pods (DESIGN.md section 2). CreateContainer resolves the image
// (cria-image), has cria-storage make and mount the rootfs, generates the OCI spec
// (services/runtime/spec) into a bundle and records the container CREATED. StartContainer
// creates it under conmon with the pod's OCI runtime and starts it; when that fails the
// container is EXITED with reason StartError (as containerd reports it). Exits are read
// from conmon's exit files whenever a container is looked at (containers/exit_check.h), so
// a restart of cria-runtime loses none: the exit code is the real one.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libs/ids/name_registry.h"
#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/clients/image_storage_client.h"
#include "services/runtime/containers/container_record.h"
#include "services/runtime/containers/exit_check.h"
#include "services/runtime/oci/exit_watcher.h"
#include "services/runtime/oci/runtime_cli.h"
#include "services/runtime/pods/pod_manager.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/host_lookup.h"

namespace cria {
class UndoStack;
}  // namespace cria

namespace cria::runtime::containers {

// The rootfs cria-storage holds for the image volume of a container's mount
// (image_volumes.cc): "<container id>-image-<mount index>".
inline constexpr char kImageVolumeInfix[] = "-image-";
std::string ImageVolumeId(const std::string& container_id, int mount_index);

struct ContainerManagerOptions {
  std::string state_dir;  // <state_dir>/runtime
  std::string run_dir;    // <run_dir>/runtime
  std::string conmon;     // the conmon binary
  // Runtime handler name → OCI runtime binary; "" maps to the default handler's binary.
  std::map<std::string, std::string> runtimes;
  cgroups::Driver cgroup_driver = cgroups::Driver::kCgroupfs;
  // cgroup.procs files of the cgroups conmon is moved to (cgroups/conmon_cgroup.h).
  std::vector<std::string> conmon_cgroup_procs;
  spec::HostFacts host;
  // Where CDI spec files are read from, lowest priority first; empty: CDI devices refused.
  std::vector<std::string> cdi_spec_dirs;
  // runtime.default_ulimits: every container's process.rlimits (none: it inherits
  // cria-runtime's through conmon and the OCI runtime).
  std::vector<spec::Rlimit> rlimits;
  // runtime.ignore_image_defined_volumes: image VOLUMEs are left to the rootfs.
  bool ignore_image_volumes = false;
};

struct ExecResult {
  int exit_code = 0;
  std::string out, err;
};

class ContainerManager {
 public:
  // `exits`: where conmon's exit files go (<run_dir>/exits), and how stops wait for them.
  ContainerManager(ContainerManagerOptions options, pods::PodManager& pods,
                   clients::ImageClient& images, clients::StorageClient& storage,
                   oci::ExitWatcher& exits);

  Status Init();
  // Loads the records and brings them up to date with conmon's exit files; finishes what a
  // crash interrupted (containers/recovery.cc): a start cut short is completed or undone,
  // bundles without a record are removed.
  void Recover();
  // Removes the root filesystems cria-storage holds for containers that have no record
  // and are not being created (a crash during CreateContainer). Unavailable while
  // cria-storage is down: call again later. Returns how many were removed.
  Result<int> CollectOrphanRootfs();

  // A container created after `caller_deadline` (the caller has given up) is kept and
  // handed to the caller's retry of the same container name instead of AlreadyExists.
  Result<std::string> Create(const std::string& pod_id,
                             const ::runtime::v1::ContainerConfig& config,
                             const ::runtime::v1::PodSandboxConfig& pod_config,
                             std::chrono::system_clock::time_point caller_deadline =
                                 std::chrono::system_clock::time_point::max());
  Status Start(const std::string& id);
  // The stop signal, then SIGKILL after `timeout_seconds`; waits for the exit. An UNKNOWN
  // container (its conmon gone) has what still runs of it killed, and is EXITED after.
  Status Stop(const std::string& id, int64_t timeout_seconds);
  Status Remove(const std::string& id);
  Result<ContainerRecord> Get(const std::string& id);
  // The whole id of the container `given` names: itself, or the one id it is a unique
  // prefix of, as people type ids (ids::ResolveIdPrefix); `given` when it names none.
  Result<std::string> ResolveId(const std::string& given) const;
  // Every container, as shared, immutable snapshots: a list copies pointers, not records.
  std::vector<std::shared_ptr<const ContainerRecord>> List();

  Result<ExecResult> ExecSync(const std::string& id, const std::vector<std::string>& cmd,
                              int64_t timeout_seconds);
  Status Update(const std::string& id, const ::runtime::v1::LinuxContainerResources& resources);
  Status ReopenLog(const std::string& id);

  // For the pod manager: stop (with no grace) / remove every container of a pod.
  Status StopPod(const std::string& pod_id);
  Status RemovePod(const std::string& pod_id);

  // The OCI runtime CLI of a handler.
  Result<oci::RuntimeCli> RuntimeFor(const std::string& handler) const;

 private:
  Status Persist(const ContainerRecord& record);
  Status CheckPodReady(const std::string& pod_id) const;
  // Whether the config asks for PID namespace mode TARGET (a debug container).
  static bool TargetsPid(const ::runtime::v1::ContainerConfig& config);
  // Stop of an UNKNOWN container, with its lock held.
  Status StopUnmonitored(ContainerRecord record);
  // UpdateContainerResources of a CREATED container, with its lock held: `merged` (the
  // resources after the update) into its bundle's config.json and its record.
  Status UpdateCreated(ContainerRecord record,
                       const ::runtime::v1::LinuxContainerResources& merged);
  // CreateContainer's image volumes: each image mount's rootfs made read-only by
  // cria-storage (undone by `undo`), its image_ref set in `stored`; returns the config the
  // spec is generated from, where those mounts are binds of what was made.
  Result<::runtime::v1::ContainerConfig> MountImageVolumes(const std::string& id,
                                                           ::runtime::v1::ContainerConfig* stored,
                                                           UndoStack& undo);
  Status RemoveImageVolumes(const ContainerRecord& record);
  // For PID namespace mode TARGET: the pid of the running target container in the pod.
  Result<int> TargetPid(const std::string& pod_id, const ::runtime::v1::ContainerConfig& config);
  // With mu_ held: reads the exit file of a running container; EXITED once it is there.
  void Refresh(ContainerRecord& record);
  // With mu_ held: applies what CheckExit found, and persists an exit.
  void Update(ContainerRecord& record, const ExitCheck& check);
  // With mu_ held: the same for the record in `slot`, replaced by a new snapshot if it
  // changed (snapshots handed out by List stay as they were).
  void Update(std::shared_ptr<const ContainerRecord>& slot, const ExitCheck& check);
  // Without mu_: the map's snapshots as they are, exits not looked at.
  std::vector<std::shared_ptr<const ContainerRecord>> Snapshots();
  // Without mu_: `snapshot` brought up to date with its exit file, which is read with mu_
  // released; nullptr when the container was removed meanwhile.
  std::shared_ptr<const ContainerRecord> Refreshed(std::shared_ptr<const ContainerRecord> snapshot);
  const std::string& ExitDir() const { return exits_.dir(); }
  // Recovery (recovery.cc), at start with mu_ held: a CREATED record whose start was cut
  // short between conmon's create and the record of the start.
  void RecoverInterruptedStart(ContainerRecord& record);
  // Recovery, for a RUNNING or UNKNOWN record started in another boot: every process of
  // that boot is gone, and its pids may name others now. EXITED, exit code unknown.
  void RecoverReboot(ContainerRecord& record);
  // Bundle dirs with no record: a crash during CreateContainer.
  void RemoveOrphanBundles();
  // Where container `id`'s image VOLUMEs have their directories: <state_dir>/volumes/<id>.
  std::string VolumesDir(const std::string& id) const;

  ContainerManagerOptions options_;
  pods::PodManager& pods_;
  clients::ImageClient& images_;
  clients::StorageClient& storage_;
  oci::ExitWatcher& exits_;
  spec::SystemHostLookup lookup_;
  records::RecordDir records_;

  mutable std::mutex mu_;
  // Copy on write: a record is never changed in place once in the map.
  std::map<std::string, std::shared_ptr<const ContainerRecord>> containers_;
  ids::NameRegistry names_{"container"};
  ids::KeyedMutex locks_;  // calls on one container run one at a time
};

}  // namespace cria::runtime::containers

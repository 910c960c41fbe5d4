// Pod sandboxes (DESIGN.md section 2): RunPodSandbox reserves the name, makes the pod's
// run dir and files, its /dev/shm, pins its IPC and UTS namespaces (cria-pinns) and has
// cria-network make its network namespace, then records it READY; every step is undone
// if a later one fails. Stop tears the network down and is idempotent; Remove removes
// everything the pod owns and is idempotent.
//
// A pod that shares one PID namespace between its containers also gets an infra process
// (cria-pause, infra.h) that holds the namespace.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "libs/ids/name_registry.h"
#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/clients/network_client.h"
#include "services/runtime/pods/infra.h"
#include "services/runtime/pods/pod_record.h"

namespace cria::runtime::pods {

struct PodManagerOptions {
  std::string state_dir;              // <state_dir>/runtime
  std::string run_dir;                // <run_dir>/runtime
  std::string ns_dir;                 // <run_dir>/ns: pinned namespaces
  std::string pinns;                  // the cria-pinns binary
  std::vector<std::string> handlers;  // usable runtime handler names (not "", the default)
  // Configured handlers whose OCI runtime was not found at start: name → why.
  std::map<std::string, std::string> missing_handlers;
  cgroups::Driver cgroup_driver = cgroups::Driver::kCgroupfs;  // for cgroup_parent's syntax
  std::string node_hostname;  // as detected at start (spec::HostFacts), for pods with none
  // runtime.default_sysctls (spec::ParseDefaultSysctls): set in every pod that has the
  // namespace of its own and no value of its own.
  std::map<std::string, std::string> default_sysctls;
};

class PodManager {
 public:
  // `infra` (may be null: then pods sharing a PID namespace are refused) runs cria-pause.
  PodManager(PodManagerOptions options, clients::NetworkClient& network, InfraRunner* infra);

  Status Init();
  // Loads the records; pods whose run dir is gone (a reboot) become NOTREADY. What a
  // RunPodSandbox cut short by a crash made (its run dir, /dev/shm, pinned namespaces, an
  // infra process) is removed, all but its network: see CollectOrphanNetworks.
  void Recover();
  // Removes the pod networks of the RunPodSandbox calls Recover found cut short, once
  // cria-network answers (Unavailable until then: call again). How many it removed.
  Result<int> CollectOrphanNetworks();

  // Called before a pod stops or is removed, to stop (or remove) its containers.
  void SetContainerHooks(std::function<Status(const std::string&)> stop_containers,
                         std::function<Status(const std::string&)> remove_containers);

  // A pod that becomes READY after `caller_deadline` (the caller has given up) is kept and
  // handed to the caller's retry of the same pod name instead of AlreadyExists.
  Result<std::string> Run(const ::runtime::v1::PodSandboxConfig& config,
                          const std::string& runtime_handler,
                          std::chrono::system_clock::time_point caller_deadline =
                              std::chrono::system_clock::time_point::max());
  Status Stop(const std::string& id);
  Status Remove(const std::string& id);
  // UpdatePodSandboxResources: the kubelet has resized the pod's cgroup and tells the
  // runtime. The pod-level overhead and resources replace those of the pod's config (its
  // record) and are applied to the infra process when the pod has one. A field left unset
  // keeps its old value. NotFound, FailedPrecondition for a pod that is not ready.
  Status UpdateResources(const std::string& id,
                         const ::runtime::v1::LinuxContainerResources* overhead,
                         const ::runtime::v1::LinuxContainerResources* resources);
  // NotFound naming the id. Get, StateOf and List report a READY pod whose infra process
  // has ended as NOTREADY (WithInfraState).
  Result<PodRecord> Get(const std::string& id) const;
  // The whole id of the pod `given` names: itself, or the one id it is a unique prefix of,
  // as people type ids (ids::ResolveIdPrefix); `given` when it names none.
  Result<std::string> ResolveId(const std::string& given) const;
  // The pod's state alone, without copying its record. NotFound naming the id.
  Result<PodState> StateOf(const std::string& id) const;
  // The pod's lock, for container calls that must not overlap the pod's stop or removal
  // (CreateContainer, StartContainer): held, the pod's state stays what Get says. Take it
  // before any container's lock, as a stop or removal holds it while it stops and removes
  // the pod's containers.
  std::shared_ptr<std::mutex> LockFor(const std::string& id) { return locks_.For(id); }
  // The runtime handlers RunPodSandbox takes, besides "" (the default).
  const std::vector<std::string>& Handlers() const { return options_.handlers; }
  // Every pod, as shared, immutable snapshots: a list copies pointers, not records.
  std::vector<std::shared_ptr<const PodRecord>> List() const;

 private:
  Status Persist(const PodRecord& record);          // pod lock (locks_) held, not mu_
  Status TearDown(PodRecord& record, bool remove);  // the pod's lock held
  // Recover's part for pods without a record; returns their ids.
  std::vector<std::string> RemoveInterruptedRuns();
  // For a RunPodSandbox of `name`: the pod a first call for that name made after its
  // caller had given up, taken over by this retry. While the first call is still at work
  // (the name is held by a pod with no record yet) it waits for it, until a second before
  // `caller_deadline`, as CRI-O does. nullopt when there is none to take.
  std::optional<std::string> TakeLateRun(const std::string& name,
                                         std::chrono::system_clock::time_point caller_deadline);
  // The snapshot of pod `id` in the map, nullptr when there is none.
  std::shared_ptr<const PodRecord> Find(const std::string& id) const;
  // The state to report of `record`: NOTREADY when it is READY and its infra process has
  // ended (pod_manager.cc says why).
  PodState StateOf(const PodRecord& record) const;
  // `record`, or a NOTREADY copy of it when it is READY and its infra process has ended.
  std::shared_ptr<const PodRecord> WithInfraState(std::shared_ptr<const PodRecord> record) const;

  PodManagerOptions options_;
  clients::NetworkClient& network_;
  InfraRunner* infra_;
  records::RecordDir records_;
  std::function<Status(const std::string&)> stop_containers_, remove_containers_;

  mutable std::mutex mu_;
  // By id. Copy on write: a record is never changed in place once in the map.
  std::map<std::string, std::shared_ptr<const PodRecord>> pods_;
  ids::NameRegistry names_{"pod"};
  ids::KeyedMutex locks_;  // calls on one pod run one at a time
  std::mutex orphans_mu_;
  std::vector<std::string> orphan_networks_;  // guarded by orphans_mu_
};

}  // namespace cria::runtime::pods

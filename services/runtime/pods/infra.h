// The infra process of a pod that shares one PID namespace between its containers:
// cria-pause, run under conmon with the pod's OCI runtime, as PID 1 of a new PID namespace
// joined by the pod's containers. Its rootfs is a directory holding only the cria-pause
// binary (no image is pulled), and its PID namespace is pinned at <ns_dir>/pid/<pod> so it
// can be found again after a restart of cria-runtime.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/runtime/cgroups/cgroup_driver.h"
#include "services/runtime/oci/exit_watcher.h"
#include "services/runtime/pods/pod_record.h"
#include "services/runtime/spec/host_facts.h"

namespace cria::runtime::pods {

struct InfraOptions {
  std::string conmon;
  std::string pause;                            // the cria-pause binary
  std::map<std::string, std::string> runtimes;  // handler → OCI runtime binary
  std::string runtime_root_dir;                 // <run_dir>/runtime/oci; one subdir per handler
  std::string ns_dir;
  cgroups::Driver cgroup_driver = cgroups::Driver::kCgroupfs;
  std::vector<std::string> conmon_cgroup_procs;  // see cgroups/conmon_cgroup.h
  spec::HostFacts host;
};

class InfraRunner {
 public:
  // `exits`: where conmon's exit files go, and how stops wait for them.
  InfraRunner(InfraOptions options, oci::ExitWatcher& exits)
      : options_(std::move(options)), exits_(exits) {}

  // Starts the infra process of `pod` (its namespaces and dir already made) and pins its
  // PID namespace: sets pod.pid_ns and pod.infra_pid. Undoes itself on failure.
  Status Start(PodRecord& pod);
  // Kills it (if running) and deletes it from the runtime; the pin stays. Idempotent.
  Status Stop(PodRecord& pod);
  // Stop, then unpins the PID namespace. Idempotent.
  Status Remove(PodRecord& pod);
  // What a RunPodSandbox cut short by a crash may have left of the infra process of pod
  // `pod_id`, which has no record (so no known handler): removed under every handler the
  // OCI runtime knows it by, and its PID namespace unpinned. Idempotent.
  Status RemoveLeftover(const std::string& pod_id);
  // Whether the pod's infra process has ended (conmon wrote its exit file, or it is gone):
  // its PID namespace died with it, and every process of the pod with it.
  bool Exited(const PodRecord& pod) const;
  // Applies `resources` to the running infra process (`<runtime> update`); OK when the pod
  // has none running. InvalidArgument for resources the host cannot apply.
  Status Update(const PodRecord& pod, const ::runtime::v1::LinuxContainerResources& resources);

 private:
  std::string RootFor(const std::string& handler) const;
  std::string InfraId(const PodRecord& pod) const { return "infra-" + pod.id.substr(0, 52); }

  InfraOptions options_;
  oci::ExitWatcher& exits_;
};

}  // namespace cria::runtime::pods

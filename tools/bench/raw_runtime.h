// The raw baseline of the CRI-level benchmarks: the OCI runtime (runc or crun) driven by
// hand, as an operator would, on a bundle prepared from the config.json cria generated for
// one of its containers. The rootfs is a copy of that container's, made once; every
// container gets fresh namespaces (no paths: no pod, no CNI) and a cgroup of its own under
// the benchmark's cgroup parent. Runtime state lives in a --root of its own.
#pragma once

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::bench {

class RawRuntime {
 public:
  // `runtime` is "runc" or "crun"; `dir` an empty directory it owns; containers get
  // cgroups "<cgroup_parent>/raw-<id>".
  RawRuntime(std::string runtime, std::string dir, std::string cgroup_parent);
  // Deletes (-f) every container still in its --root.
  ~RawRuntime();
  RawRuntime(const RawRuntime&) = delete;
  RawRuntime& operator=(const RawRuntime&) = delete;

  // Makes the bundle template from cria's OCI spec (`spec_json`: its config.json): copies
  // the rootfs the spec names, replaces files and directories bind-mounted from
  // `stack_root` (the pod's hostname, hosts, resolv.conf) by copies and /dev/shm by a tmpfs,
  // drops namespace paths and hooks.
  Status Prepare(const std::string& spec_json, const std::string& stack_root);

  // Writes the bundle of container `id` (outside any clock): the template with its cgroup,
  // and, when `netns` is given, that network namespace joined instead of a fresh one.
  Status MakeBundle(const std::string& id, const std::string& netns = "");
  // The same with the host's network and UTS namespaces, as a hostNetwork pod has.
  Status MakeHostNetworkBundle(const std::string& id);
  // `<runtime> run -d` of the bundle made for `id`; returns when the runtime has.
  Status Run(const std::string& id);
  // `<runtime> create` then `<runtime> start` of the bundle made for `id`: the two steps a
  // CRI runtime takes (at StartContainer, through conmon), one invocation each.
  Status Create(const std::string& id);
  Status Start(const std::string& id);
  // `<runtime> exec <id> args...`, waiting for the process.
  Status Exec(const std::string& id, const std::vector<std::string>& args);
  // `<runtime> kill <id> KILL`.
  Status Kill(const std::string& id);
  // `<runtime> delete [-f] <id>`, and the bundle removed.
  Status Delete(const std::string& id, bool force);

  const std::string& runtime() const { return runtime_; }

 private:
  // Runs `<runtime> --root <root> args...` with stdin and stdout on /dev/null (a detached
  // container keeps them) and stderr in a file, quoted in the error.
  Status Invoke(const std::vector<std::string>& args);
  // Writes the template with the cgroup of `id`, its network namespace entry given the
  // path `netns` ("": left fresh), or it and the UTS entry removed (`host_network`).
  Status WriteBundle(const std::string& id, const std::string& netns, bool host_network);

  std::string runtime_, dir_, cgroup_parent_;
  std::string template_;  // the prepared config.json, cgroupsPath "@CGROUP@"
};

}  // namespace cria::bench

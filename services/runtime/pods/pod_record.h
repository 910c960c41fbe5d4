// One pod sandbox as cria-runtime keeps it (DESIGN.md section 3):
// <state_dir>/runtime/pods/<id>.json. The kubelet's PodSandboxConfig is kept whole (as
// protobuf JSON), beside what the runtime made for the pod.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::runtime::pods {

enum class PodState { kReady, kNotReady };

struct PodRecord {
  std::string id;
  ::runtime::v1::PodSandboxConfig config;
  std::string runtime_handler;  // as asked ("" = the default)
  PodState state = PodState::kNotReady;
  int64_t created_unix_nano = 0;
  std::string dir;  // <run_dir>/runtime/pods/<id>: hostname, hosts, resolv.conf, shm
  // Pinned namespaces (empty when the pod uses the host's).
  std::string ipc_ns, uts_ns, net_ns;
  // Pods sharing one PID namespace: its pin and the infra process (cria-pause) holding it.
  std::string pid_ns;
  int infra_pid = 0;
  std::vector<std::string> ips;  // IPv4 first
  bool network_ready = false;    // CNI ADD done and not yet torn down

  // k8s_POD_<name>_<namespace>_<uid>_<attempt>: unique among pods.
  std::string ReservedName() const;
  bool HostNetwork() const;
  bool HostIpc() const;
  bool SharesPid() const;
};

// The record as the JSON object written to <state_dir>/runtime/pods/<id>.json.
rapidjson::Document ToJson(const PodRecord& record);
// DataLoss naming the problem for a record cria-runtime did not write.
Result<PodRecord> PodFromJson(const rapidjson::Value& json);

}  // namespace cria::runtime::pods

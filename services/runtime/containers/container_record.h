// One container as cria-runtime keeps it: <state_dir>/runtime/containers/<id>.json. The
// kubelet's ContainerConfig is kept whole (protobuf JSON), beside its state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::runtime::containers {

enum class ContainerState { kCreated, kRunning, kExited, kUnknown };

struct ContainerRecord {
  std::string id;
  std::string pod_id;
  ::runtime::v1::ContainerConfig config;
  std::string image_id;  // what cria-image resolved the image to
  // What ContainerStatus shows as image and image_ref (image_names.h): a repo tag and a repo
  // digest of the image when it was created; empty in older records and when it had none.
  std::string image_name, image_digest;
  std::string handler;  // runtime handler name (resolved; never empty)
  ContainerState state = ContainerState::kCreated;
  int64_t created_unix_nano = 0, started_unix_nano = 0, finished_unix_nano = 0;
  int exit_code = 0;
  std::string reason, message;
  pid_t pid = 0;
  pid_t conmon_pid = 0;  // its monitor; 0 in records from before it was kept (see the pid file)
  std::string boot_id;   // the boot it started in (HostFacts); empty in older records
  std::string bundle;    // <run_dir>/runtime/containers/<id>: config.json, conmon's files
  std::string log_path;  // absolute: the pod's log directory + config.log_path; may be empty
  std::string rootfs;
  std::string cgroups_path;  // linux.cgroupsPath of its spec
  std::string stop_signal;   // the image's StopSignal; the CRI's stop_signal wins
  // The identity its process starts with (uid, gid, the primary gid then the others), as
  // ContainerStatus reports it; no linux part in records from before it was kept.
  ::runtime::v1::ContainerUser user;

  // k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>.
  std::string ReservedName(const ::runtime::v1::PodSandboxMetadata& pod) const;
};

::runtime::v1::ContainerState CriState(ContainerState state);
// The record as the JSON object written to <state_dir>/runtime/containers/<id>.json.
rapidjson::Document ToJson(const ContainerRecord& record);
// DataLoss naming the problem for a record cria-runtime did not write.
Result<ContainerRecord> ContainerFromJson(const rapidjson::Value& json);

}  // namespace cria::runtime::containers

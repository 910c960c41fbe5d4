// criactl inspectp and inspect: pod and container status as crictl prints them
// (marshalPodSandboxStatus, marshalContainerStatus, output*StatusTable).
#pragma once

#include <cstdint>
#include <string>

#include "cri/runtime/v1/cri_api.h"

namespace cria::criactl {

// The status as crictl's JSON has it before outputStatusData: every field of the message
// (an unset message field as null), createdAt as RFC3339Nano in local time.
std::string PodStatusJson(const ::runtime::v1::PodSandboxStatus& status);

// The same for a container; startedAt is Go's zero time while the container is CREATED,
// finishedAt unless it is EXITED (or UNKNOWN with a finish time).
std::string ContainerStatusJson(const ::runtime::v1::ContainerStatus& status);

// -o table: "ID: ...", "Name: ...", "Status: SANDBOX_READY", "Created: <Go time>", the IP
// addresses, labels, annotations and, when `verbose`, "Info: map[...]".
std::string PodStatusTable(const ::runtime::v1::PodSandboxStatusResponse& response, bool verbose);

// -o table: "ID: ...", "State: CONTAINER_RUNNING", "Created: 5 seconds ago", ...
std::string ContainerStatusTable(const ::runtime::v1::ContainerStatusResponse& response,
                                 bool verbose, int64_t now_unix_nano);

// Go's %v of a map[string]string: "map[k1:v1 k2:v2]", keys sorted.
std::string GoMapString(const google::protobuf::Map<std::string, std::string>& map);

}  // namespace cria::criactl

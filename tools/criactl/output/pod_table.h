// criactl pods: the listing as crictl prints it (cmd/crictl/sandbox.go, OutputPodSandboxes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"

namespace cria::criactl {

// "Ready", "NotReady" (crictl's convertPodState).
std::string PodStateName(::runtime::v1::PodSandboxState state);

// "(default)" for a pod without a runtime handler.
std::string PodRuntimeHandler(const ::runtime::v1::PodSandbox& pod);

// POD ID, CREATED, STATE, NAME, NAMESPACE, ATTEMPT, RUNTIME; ids cut to 13 characters
// unless `no_trunc`; CREATED as "2 minutes ago" relative to `now_unix_nano`.
std::string PodTable(const std::vector<::runtime::v1::PodSandbox>& pods, bool no_trunc,
                     int64_t now_unix_nano);

// -q: the full id of each pod, one a line.
std::string PodIds(const std::vector<::runtime::v1::PodSandbox>& pods);

// -v: "ID: ...", "Name: ...", ..., "Runtime: ..." and a blank line per pod.
std::string PodsVerbose(const std::vector<::runtime::v1::PodSandbox>& pods);

}  // namespace cria::criactl

// What crictl's listing flags (pods, ps, and the inspect verbs without ids) ask of the
// runtime and then of the answer: a CRI filter for the call, then name and namespace
// regular expressions, newest first, --latest and --last.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::criactl {

// The label kubelet puts on containers naming their pod and its namespace.
inline constexpr char kPodNameLabel[] = "io.kubernetes.pod.name";
inline constexpr char kPodNamespaceLabel[] = "io.kubernetes.pod.namespace";

// crictl's parseLabelStringSlice: "key=value" each; InvalidArgument
// "incorrectly specified label: <s>" for anything else (no '=', or more than one).
Result<std::map<std::string, std::string>> ParseLabels(const std::vector<std::string>& labels);

struct PodListFlags {
  std::string id;                   // --id: an id or its prefix
  std::string name;                 // --name: a regular expression
  std::string pod_namespace;        // --namespace: a regular expression
  std::string state;                // --state, -s: ready or notready (any case)
  std::vector<std::string> labels;  // --label key=value...
  bool latest = false;              // --latest, -l
  int last = 0;                     // --last, -n
};

Result<::runtime::v1::PodSandboxFilter> PodFilter(const PodListFlags& flags);

// The pods that match --name and --namespace, newest first, cut by --latest / --last.
std::vector<::runtime::v1::PodSandbox> SelectPods(std::vector<::runtime::v1::PodSandbox> pods,
                                                  const PodListFlags& flags);

struct ContainerListFlags {
  std::string id;                   // --id
  std::string pod;                  // --pod, -p: a pod id or its prefix
  std::string name;                 // --name: a regular expression
  std::string pod_namespace;        // --namespace: a regular expression
  std::string state;                // --state, -s: created, running, exited, unknown
  std::string image;                // --image
  std::vector<std::string> labels;  // --label key=value...
  bool all = false;                 // --all, -a: every state (else running only)
  bool latest = false;              // --latest, -l (any state)
  int last = 0;                     // --last, -n (any state)
};

// Without --all or --state, only running containers; --latest and --last drop the state
// filter, as crictl does.
Result<::runtime::v1::ContainerFilter> ContainerFilter(const ContainerListFlags& flags);

// Whether a container runs the --image image; crictl compares image ids from ImageStatus.
using ImageMatcher = std::function<Result<bool>(const ::runtime::v1::Container&)>;

// The containers that match --name, --namespace (of their pod, from its label) and
// --image (when `image_matches` is given), newest first, cut by --latest / --last.
Result<std::vector<::runtime::v1::Container>> SelectContainers(
    std::vector<::runtime::v1::Container> containers, const ContainerListFlags& flags,
    const ImageMatcher& image_matches);

// crictl's matchesRegex: an empty pattern matches everything, a bad one nothing;
// otherwise whether the pattern matches part of `target`.
bool MatchesRegex(const std::string& pattern, const std::string& target);

// The value of `label`, or "unknown" (crictl's getFromLabels).
std::string LabelOrUnknown(const google::protobuf::Map<std::string, std::string>& labels,
                           const std::string& label);

}  // namespace cria::criactl

#include "tools/criactl/client/list_filter.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// How many of `size` items --latest and --last keep.
size_t Keep(size_t size, bool latest, int last) {
  size_t n = size;
  if (latest) n = 1;
  if (last > 0) n = static_cast<size_t>(last);
  return std::min(n, size);
}

}  // namespace

Result<std::map<std::string, std::string>> ParseLabels(const std::vector<std::string>& labels) {
  std::map<std::string, std::string> out;
  for (const std::string& label : labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos || label.find('=', eq + 1) != std::string::npos) {
      return Status(StatusCode::kInvalidArgument, "incorrectly specified label: " + label);
    }
    out[label.substr(0, eq)] = label.substr(eq + 1);
  }
  return out;
}

Result<cri::PodSandboxFilter> PodFilter(const PodListFlags& flags) {
  cri::PodSandboxFilter filter;
  filter.set_id(flags.id);
  if (!flags.state.empty()) {
    std::string state = Lower(flags.state);
    if (state == "ready") {
      filter.mutable_state()->set_state(cri::SANDBOX_READY);
    } else if (state == "notready") {
      filter.mutable_state()->set_state(cri::SANDBOX_NOTREADY);
    } else {
      return Status(StatusCode::kInvalidArgument, "--state should be ready or notready");
    }
  }
  CRIA_ASSIGN_OR_RETURN(auto labels, ParseLabels(flags.labels), "");
  filter.mutable_label_selector()->insert(labels.begin(), labels.end());
  return filter;
}

std::vector<cri::PodSandbox> SelectPods(std::vector<cri::PodSandbox> pods,
                                        const PodListFlags& flags) {
  std::erase_if(pods, [&](const cri::PodSandbox& pod) {
    return !pod.has_metadata() || !MatchesRegex(flags.name, pod.metadata().name()) ||
           !MatchesRegex(flags.pod_namespace, pod.metadata().namespace_());
  });
  std::stable_sort(pods.begin(), pods.end(),
                   [](const auto& a, const auto& b) { return a.created_at() > b.created_at(); });
  pods.resize(Keep(pods.size(), flags.latest, flags.last));
  return pods;
}

Result<cri::ContainerFilter> ContainerFilter(const ContainerListFlags& flags) {
  cri::ContainerFilter filter;
  filter.set_id(flags.id);
  filter.set_pod_sandbox_id(flags.pod);
  if (!flags.all && flags.state.empty()) {
    filter.mutable_state()->set_state(cri::CONTAINER_RUNNING);
  }
  if (!flags.state.empty()) {
    std::string state = Lower(flags.state);
    cri::ContainerState value;
    if (state == "created") {
      value = cri::CONTAINER_CREATED;
    } else if (state == "running") {
      value = cri::CONTAINER_RUNNING;
    } else if (state == "exited") {
      value = cri::CONTAINER_EXITED;
    } else if (state == "unknown") {
      value = cri::CONTAINER_UNKNOWN;
    } else {
      return Status(StatusCode::kInvalidArgument,
                    "--state should be one of created, running, exited or unknown");
    }
    filter.mutable_state()->set_state(value);
  }
  if (flags.latest || flags.last > 0) filter.clear_state();
  CRIA_ASSIGN_OR_RETURN(auto labels, ParseLabels(flags.labels), "");
  filter.mutable_label_selector()->insert(labels.begin(), labels.end());
  return filter;
}

Result<std::vector<cri::Container>> SelectContainers(std::vector<cri::Container> containers,
                                                     const ContainerListFlags& flags,
                                                     const ImageMatcher& image_matches) {
  std::vector<cri::Container> selected;
  for (auto& c : containers) {
    if (!flags.image.empty() && image_matches) {
      CRIA_ASSIGN_OR_RETURN(bool match, image_matches(c), "check image match");
      if (!match) continue;
    }
    if (!c.has_metadata() || !MatchesRegex(flags.name, c.metadata().name()) ||
        !MatchesRegex(flags.pod_namespace, LabelOrUnknown(c.labels(), kPodNamespaceLabel))) {
      continue;
    }
    selected.push_back(std::move(c));
  }
  std::stable_sort(selected.begin(), selected.end(),
                   [](const auto& a, const auto& b) { return a.created_at() > b.created_at(); });
  selected.resize(Keep(selected.size(), flags.latest, flags.last));
  return selected;
}

bool MatchesRegex(const std::string& pattern, const std::string& target) {
  if (pattern.empty()) return true;
  try {
    return std::regex_search(target, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
}

std::string LabelOrUnknown(const google::protobuf::Map<std::string, std::string>& labels,
                           const std::string& label) {
  auto it = labels.find(label);
  return it == labels.end() ? "unknown" : it->second;
}

}  // namespace cria::criactl

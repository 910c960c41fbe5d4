#include "tools/criactl/output/pod_table.h"

#include "tools/criactl/output/human_time.h"
#include "tools/criactl/output/image_table.h"
#include "tools/criactl/output/label_lines.h"
#include "tools/criactl/output/tab_table.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

}  // namespace

std::string PodStateName(cri::PodSandboxState state) {
  switch (state) {
    case cri::SANDBOX_READY:
      return "Ready";
    case cri::SANDBOX_NOTREADY:
      return "NotReady";
    default:
      return "Unknown";
  }
}

std::string PodRuntimeHandler(const cri::PodSandbox& pod) {
  return pod.runtime_handler().empty() ? "(default)" : pod.runtime_handler();
}

std::string PodTable(const std::vector<cri::PodSandbox>& pods, bool no_trunc,
                     int64_t now_unix_nano) {
  std::vector<std::vector<std::string>> rows = {
      {"POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"}};
  for (const auto& pod : pods) {
    rows.push_back({no_trunc ? pod.id() : TruncatedId(pod.id(), ""),
                    CreatedAgo(pod.created_at(), now_unix_nano), PodStateName(pod.state()),
                    pod.metadata().name(), pod.metadata().namespace_(),
                    std::to_string(pod.metadata().attempt()), PodRuntimeHandler(pod)});
  }
  return TabTable(rows);
}

std::string PodIds(const std::vector<cri::PodSandbox>& pods) {
  std::string out;
  for (const auto& pod : pods) out += pod.id() + "\n";
  return out;
}

std::string PodsVerbose(const std::vector<cri::PodSandbox>& pods) {
  std::string out;
  for (const auto& pod : pods) {
    out += "ID: " + pod.id() + "\n";
    if (pod.has_metadata()) {
      const auto& m = pod.metadata();
      if (!m.name().empty()) out += "Name: " + m.name() + "\n";
      if (!m.uid().empty()) out += "UID: " + m.uid() + "\n";
      if (!m.namespace_().empty()) out += "Namespace: " + m.namespace_() + "\n";
      if (m.attempt() != 0) out += "Attempt: " + std::to_string(m.attempt()) + "\n";
    }
    out += "Status: " + PodStateName(pod.state()) + "\n";
    out += "Created: " + FormatGoTimeString(LocalTime(pod.created_at())) + "\n";
    AppendLabelLines("Labels", pod.labels(), out);
    AppendLabelLines("Annotations", pod.annotations(), out);
    out += "Runtime: " + PodRuntimeHandler(pod) + "\n\n";
  }
  return out;
}

}  // namespace cria::criactl

#include "services/runtime/spec/annotations.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

void AddPod(std::map<std::string, std::string>* out, const cri::PodSandboxConfig& pod,
            const std::string& pod_id) {
  (*out)[kSandboxId] = pod_id;
  (*out)[kSandboxName] = pod.metadata().name();
  (*out)[kSandboxNamespace] = pod.metadata().namespace_();
  (*out)[kSandboxUid] = pod.metadata().uid();
  if (pod.linux().has_resources()) {
    const cri::LinuxContainerResources& r = pod.linux().resources();
    (*out)[kSandboxCpuPeriod] = std::to_string(r.cpu_period());
    (*out)[kSandboxCpuQuota] = std::to_string(r.cpu_quota());
    (*out)[kSandboxCpuShares] = std::to_string(r.cpu_shares());
    (*out)[kSandboxMemory] = std::to_string(r.memory_limit_in_bytes());
  }
}

}  // namespace

std::map<std::string, std::string> ContainerAnnotations(const cri::ContainerConfig& config,
                                                        const cri::PodSandboxConfig& pod,
                                                        const std::string& pod_id,
                                                        const std::string& image_name) {
  std::map<std::string, std::string> out(config.annotations().begin(), config.annotations().end());
  out[kContainerType] = kContainerTypeContainer;
  AddPod(&out, pod, pod_id);
  out[kContainerName] = config.metadata().name();
  out[kImageName] = image_name;
  return out;
}

std::map<std::string, std::string> SandboxAnnotations(const cri::PodSandboxConfig& pod,
                                                      const std::string& pod_id) {
  std::map<std::string, std::string> out(pod.annotations().begin(), pod.annotations().end());
  out[kContainerType] = kContainerTypeSandbox;
  AddPod(&out, pod, pod_id);
  out[kSandboxLogDirectory] = pod.log_directory();
  return out;
}

}  // namespace cria::runtime::spec

// The CRI RuntimeService calls that several criactl verbs share, with crictl's output,
// deadlines (those of its CRI client: --timeout per call, twice that for RunPodSandbox,
// --timeout plus the stop timeout for StopContainer) and messages.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tools/criactl/client/list_filter.h"
#include "tools/criactl/client/registry_auth.h"
#include "tools/criactl/commands/verb.h"

namespace cria::criactl {

// RunPodSandbox; `deadline` overrides the default (twice --timeout) when non-zero.
grpc::Status RunPod(Verb& verb, const ::runtime::v1::PodSandboxConfig& config,
                    const std::string& handler, std::chrono::milliseconds deadline,
                    std::string* pod_id);
// StopPodSandbox, then "Stopped sandbox <id>".
grpc::Status StopPod(Verb& verb, const std::string& id);
// RemovePodSandbox, then "Removed sandbox <id>".
grpc::Status RemovePod(Verb& verb, const std::string& id);
// StartContainer, StopContainer, RemoveContainer; each then prints the id.
grpc::Status StartContainer(Verb& verb, const std::string& id);
grpc::Status StopContainer(Verb& verb, const std::string& id, int64_t timeout_seconds);
grpc::Status RemoveContainer(Verb& verb, const std::string& id);

// ListPodSandbox with the flags' filter, then SelectPods. InvalidArgument for bad flags.
Result<std::vector<::runtime::v1::PodSandbox>> ListPods(Verb& verb, const PodListFlags& flags);
// ListContainers with the flags' filter, then SelectContainers (--image through
// ImageStatus of both images, as crictl's matchesImage).
Result<std::vector<::runtime::v1::Container>> ListContainers(Verb& verb,
                                                             const ContainerListFlags& flags);

// The listing flags of pods and inspectp (--id only with `with_id`), and of ps and
// inspect; --label may be repeated.
void AddPodListFlags(CLI::App* cmd, PodListFlags& flags, bool with_id);
void AddContainerListFlags(CLI::App* cmd, ContainerListFlags& flags, bool with_id);

// How create and run get the image and make the container (crictl's createPullFlags and
// runPullFlags).
struct CreateFlags {
  bool no_pull = false;        // --no-pull: never pull
  bool with_pull = false;      // --with-pull: always pull
  AuthFlags auth;              // --creds, --auth, --username
  std::string cancel_timeout;  // -T, --cancel-timeout: a Go duration ("30s")
};

// Adds --no-pull, --with-pull, --creds, --auth, --username, -T/--cancel-timeout.
void AddCreateFlags(CLI::App* cmd, CreateFlags& flags);

// The deadline -T asks for (zero: none given); InvalidArgument for a bad duration.
Result<std::chrono::milliseconds> CancelTimeout(const CreateFlags& flags);

enum class PullPolicy {
  kIfMissing,  // create: pull only an image the runtime does not have
  kAlways,     // run: pull every time, as crictl run does
};

// crictl's CreateContainer: the container config from `container_path` (its image also
// recorded as user_specified_image), the image pulled as `flags` and `policy` say (with
// the pod config, as PullImageWithSandbox), then CreateContainer in `pod_id`. Returns the
// error already printed (exit code 1) or 0 with `container_id` set.
int CreateFromFiles(Verb& verb, const std::string& pod_id, const std::string& container_path,
                    const ::runtime::v1::PodSandboxConfig& pod_config, CreateFlags& flags,
                    PullPolicy policy, std::string* container_id);

}  // namespace cria::criactl

#include "tools/criactl/commands/runtime_calls.h"

#include <iostream>

#include "tools/criactl/client/config_file.h"
#include "tools/criactl/output/human_time.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
using std::chrono::milliseconds;

// ImageStatus of `image`; nullopt when the runtime does not have it.
Result<std::optional<cri::Image>> FindImage(Verb& verb, const std::string& image) {
  cri::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  cri::ImageStatusResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->image().ImageStatus(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<cri::Image>();
  if (!s.ok()) {
    return Status(static_cast<StatusCode>(s.error_code()),
                  "image status for \"" + image + "\": " + DescribeRpcError(s));
  }
  if (!response.has_image()) return std::optional<cri::Image>();
  return std::optional<cri::Image>(response.image());
}

}  // namespace

grpc::Status RunPod(Verb& verb, const cri::PodSandboxConfig& config, const std::string& handler,
                    milliseconds deadline, std::string* pod_id) {
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = config;
  request.set_runtime_handler(handler);
  cri::RunPodSandboxResponse response;
  auto ctx = verb.client->Context(deadline.count() > 0 ? deadline : 2 * verb.client->timeout());
  grpc::Status s = verb.client->runtime().RunPodSandbox(ctx.get(), request, &response);
  if (s.ok()) *pod_id = response.pod_sandbox_id();
  return s;
}

grpc::Status StopPod(Verb& verb, const std::string& id) {
  cri::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::StopPodSandboxResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().StopPodSandbox(ctx.get(), request, &response);
  if (s.ok()) std::cout << "Stopped sandbox " << id << std::endl;
  return s;
}

grpc::Status RemovePod(Verb& verb, const std::string& id) {
  cri::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::RemovePodSandboxResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().RemovePodSandbox(ctx.get(), request, &response);
  if (s.ok()) std::cout << "Removed sandbox " << id << std::endl;
  return s;
}

grpc::Status StartContainer(Verb& verb, const std::string& id) {
  cri::StartContainerRequest request;
  request.set_container_id(id);
  cri::StartContainerResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().StartContainer(ctx.get(), request, &response);
  if (s.ok()) std::cout << id << std::endl;
  return s;
}

grpc::Status StopContainer(Verb& verb, const std::string& id, int64_t timeout_seconds) {
  cri::StopContainerRequest request;
  request.set_container_id(id);
  request.set_timeout(timeout_seconds);
  cri::StopContainerResponse response;
  auto ctx = verb.client->Context(verb.client->timeout() +
                                  std::chrono::seconds(std::max<int64_t>(timeout_seconds, 0)));
  grpc::Status s = verb.client->runtime().StopContainer(ctx.get(), request, &response);
  if (s.ok()) std::cout << id << std::endl;
  return s;
}

grpc::Status RemoveContainer(Verb& verb, const std::string& id) {
  cri::RemoveContainerRequest request;
  request.set_container_id(id);
  cri::RemoveContainerResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().RemoveContainer(ctx.get(), request, &response);
  if (s.ok()) std::cout << id << std::endl;
  return s;
}

Result<std::vector<cri::PodSandbox>> ListPods(Verb& verb, const PodListFlags& flags) {
  CRIA_ASSIGN_OR_RETURN(cri::PodSandboxFilter filter, PodFilter(flags), "");
  cri::ListPodSandboxRequest request;
  *request.mutable_filter() = filter;
  cri::ListPodSandboxResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().ListPodSandbox(ctx.get(), request, &response);
  if (!s.ok()) {
    return Status(static_cast<StatusCode>(s.error_code()),
                  "call list sandboxes RPC: " + DescribeRpcError(s));
  }
  return SelectPods({response.items().begin(), response.items().end()}, flags);
}

Result<std::vector<cri::Container>> ListContainers(Verb& verb, const ContainerListFlags& flags) {
  CRIA_ASSIGN_OR_RETURN(cri::ContainerFilter filter, ContainerFilter(flags), "");
  cri::ListContainersRequest request;
  *request.mutable_filter() = filter;
  cri::ListContainersResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().ListContainers(ctx.get(), request, &response);
  if (!s.ok()) {
    return Status(static_cast<StatusCode>(s.error_code()),
                  "call list containers RPC: " + DescribeRpcError(s));
  }
  std::optional<cri::Image> wanted;
  if (!flags.image.empty()) {
    CRIA_ASSIGN_OR_RETURN(wanted, FindImage(verb, flags.image), "");
  }
  ImageMatcher matcher = [&](const cri::Container& c) -> Result<bool> {
    if (!wanted.has_value()) return false;  // an image that does not exist matches nothing
    CRIA_ASSIGN_OR_RETURN(std::optional<cri::Image> image, FindImage(verb, c.image().image()), "");
    return image.has_value() && image->id() == wanted->id();
  };
  return SelectContainers({response.containers().begin(), response.containers().end()}, flags,
                          matcher);
}

void AddPodListFlags(CLI::App* cmd, PodListFlags& flags, bool with_id) {
  if (with_id) cmd->add_option("--id", flags.id, "Filter by pod id");
  cmd->add_option("--name", flags.name, "Filter by pod name regular expression pattern");
  cmd->add_option("--namespace", flags.pod_namespace,
                  "Filter by pod namespace regular expression pattern");
  cmd->add_option("-s,--state", flags.state, "Filter by pod state (ready, notready)");
  cmd->add_option("--label", flags.labels, "Filter by key=value label (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("-l,--latest", flags.latest, "Show the most recently created pod");
  cmd->add_option("-n,--last", flags.last,
                  "Show last n recently created pods. Set 0 for unlimited");
}

void AddContainerListFlags(CLI::App* cmd, ContainerListFlags& flags, bool with_id) {
  if (with_id) cmd->add_option("--id", flags.id, "Filter by container id");
  cmd->add_option("--name", flags.name, "Filter by container name regular expression pattern");
  cmd->add_option("--namespace", flags.pod_namespace,
                  "Filter by pod namespace regular expression pattern");
  cmd->add_option("-p,--pod", flags.pod, "Filter by pod id");
  cmd->add_option("--image", flags.image, "Filter by container image");
  cmd->add_option("-s,--state", flags.state,
                  "Filter by container state (created, running, exited, unknown)");
  cmd->add_option("--label", flags.labels, "Filter by key=value label (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("-a,--all", flags.all, "Show all containers");
  cmd->add_flag("-l,--latest", flags.latest,
                "Show the most recently created container (includes all states)");
  cmd->add_option("-n,--last", flags.last,
                  "Show last n recently created containers (includes all states). Set 0 for "
                  "unlimited.");
}

void AddCreateFlags(CLI::App* cmd, CreateFlags& flags) {
  cmd->add_flag("--no-pull", flags.no_pull, "Do not pull the image");
  cmd->add_flag("--with-pull", flags.with_pull, "Pull the image even when it is present");
  cmd->add_option("--creds", flags.auth.creds,
                  "Use USERNAME[:PASSWORD] for accessing the registry");
  cmd->add_option("--auth", flags.auth.auth,
                  "Use AUTH_STRING for accessing the registry. AUTH_STRING is a base64 encoded "
                  "'USERNAME[:PASSWORD]'");
  cmd->add_option("--username", flags.auth.username,
                  "Use USERNAME for accessing the registry. The password will be requested on "
                  "the command line");
  cmd->add_option("-T,--cancel-timeout", flags.cancel_timeout,
                  "Time to wait for the request to complete before cancelling it (e.g. 30s); "
                  "default: the --timeout of each call");
}

Result<milliseconds> CancelTimeout(const CreateFlags& flags) {
  if (flags.cancel_timeout.empty()) return milliseconds(0);
  std::optional<int64_t> ns = ParseGoDuration(flags.cancel_timeout);
  if (!ns.has_value() || *ns < 0) {
    return Status(StatusCode::kInvalidArgument,
                  "invalid --cancel-timeout \"" + flags.cancel_timeout + "\" (want e.g. 30s)");
  }
  return std::chrono::duration_cast<milliseconds>(std::chrono::nanoseconds(*ns));
}

int CreateFromFiles(Verb& verb, const std::string& pod_id, const std::string& container_path,
                    const cri::PodSandboxConfig& pod_config, CreateFlags& flags, PullPolicy policy,
                    std::string* container_id) {
  if (flags.no_pull && flags.with_pull) {
    return ReportError(verb, "conflict: no-pull and with-pull are both set");
  }
  Result<milliseconds> deadline = CancelTimeout(flags);
  if (!deadline.ok()) return ReportError(verb, MessageOf(deadline.status()));
  Result<cri::ContainerConfig> config = LoadContainerConfig(container_path);
  if (!config.ok()) return ReportError(verb, "creating container: " + MessageOf(config.status()));
  const std::string image = config->image().image();
  if (config->image().user_specified_image().empty()) {
    config->mutable_image()->set_user_specified_image(image);
  }

  bool pull = flags.with_pull || (!flags.no_pull && policy == PullPolicy::kAlways);
  if (!pull && !flags.no_pull) {
    Result<std::optional<cri::Image>> present = FindImage(verb, image);
    if (!present.ok())
      return ReportError(verb, "creating container: " + MessageOf(present.status()));
    pull = !present->has_value();
  }
  if (pull) {
    if (!flags.auth.username.empty() && !flags.auth.password.has_value()) {
      flags.auth.password = ReadPassword();
    }
    Result<std::optional<RegistryAuth>> auth = AuthFromFlags(flags.auth);
    if (!auth.ok()) return ReportError(verb, MessageOf(auth.status()));
    cri::PullImageRequest request;
    *request.mutable_image() = config->image();
    if (auth->has_value()) {
      request.mutable_auth()->set_username((*auth)->username);
      request.mutable_auth()->set_password((*auth)->password);
      request.mutable_auth()->set_auth((*auth)->auth);
    }
    *request.mutable_sandbox_config() = pod_config;
    cri::PullImageResponse response;
    std::cerr << "Pulling container image: " << image << "\n";
    grpc::ClientContext ctx;  // no deadline: a pull takes as long as it takes
    grpc::Status s = verb.client->image().PullImage(&ctx, request, &response);
    if (!s.ok()) return ReportRpcError(verb, "creating container: pulling image " + image, s);
  }

  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(pod_id);
  *request.mutable_config() = *config;
  *request.mutable_sandbox_config() = pod_config;
  cri::CreateContainerResponse response;
  auto ctx = verb.client->Context(deadline->count() > 0 ? *deadline : verb.client->timeout());
  grpc::Status s = verb.client->runtime().CreateContainer(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(verb, "creating container", s);
  *container_id = response.container_id();
  return 0;
}

}  // namespace cria::criactl

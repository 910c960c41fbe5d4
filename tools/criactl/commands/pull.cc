// criactl pull: pull an image (crictl pull), showing its progress when cria-image serves
// cria.image.v1.ImagePull; other runtimes get a plain runtime.v1.ImageService/PullImage.
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "cria/image/v1/image.grpc.pb.h"
#include "tools/criactl/client/registry_auth.h"
#include "tools/criactl/commands/verb.h"
#include "tools/criactl/output/pull_progress.h"

namespace cria::criactl {
namespace {

// Terminal redraws at most this often; the last state is always drawn.
constexpr std::chrono::milliseconds kRedrawInterval{100};

struct PullOptions {
  std::string image;
  AuthFlags auth;
};

int TerminalWidth(int fd) {
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// The pull with progress. Sets `ref` on success; an UNIMPLEMENTED status before any
// event means the endpoint does not serve cria.image.v1.ImagePull.
grpc::Status PullWithProgress(Verb& verb, const PullOptions& options,
                              const std::optional<RegistryAuth>& auth, std::string* ref,
                              bool* any_event) {
  ::cria::image::v1::PullRequest request;
  request.set_image(options.image);
  if (auth.has_value()) {
    request.mutable_auth()->set_username(auth->username);
    request.mutable_auth()->set_password(auth->password);
    request.mutable_auth()->set_auth(auth->auth);
  }
  auto stub = ::cria::image::v1::ImagePull::NewStub(verb.client->image_channel());
  // No deadline: a pull takes as long as it takes (crictl's PullImage has none either).
  grpc::ClientContext ctx;
  auto reader = stub->Pull(&ctx, request);

  const bool tty = isatty(STDERR_FILENO);
  PullProgressView view;
  bool drawn = false;
  std::chrono::steady_clock::time_point last_draw;
  bool pending = false;
  auto draw = [&] {
    std::cerr << view.Frame(TerminalWidth(STDERR_FILENO)) << std::flush;
    last_draw = std::chrono::steady_clock::now();
    drawn = true;
    pending = false;
  };
  ::cria::image::v1::PullEvent event;
  while (reader->Read(&event)) {
    *any_event = true;
    if (event.has_progress()) {
      std::string log = view.Update(event.progress());
      if (!tty) {
        std::cerr << log << std::flush;
      } else if (!drawn || std::chrono::steady_clock::now() - last_draw >= kRedrawInterval) {
        draw();
      } else {
        pending = true;
      }
    } else if (event.has_done()) {
      *ref = event.done().image_ref();
    }
  }
  if (tty && pending) draw();
  grpc::Status status = reader->Finish();
  if (status.ok() && ref->empty()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the pull ended without naming the image");
  }
  return status;
}

grpc::Status PlainPull(Verb& verb, const PullOptions& options,
                       const std::optional<RegistryAuth>& auth, std::string* ref) {
  ::runtime::v1::PullImageRequest request;
  request.mutable_image()->set_image(options.image);
  if (auth.has_value()) {
    request.mutable_auth()->set_username(auth->username);
    request.mutable_auth()->set_password(auth->password);
    request.mutable_auth()->set_auth(auth->auth);
  }
  ::runtime::v1::PullImageResponse response;
  grpc::ClientContext ctx;  // no deadline, as above
  grpc::Status status = verb.client->image().PullImage(&ctx, request, &response);
  if (status.ok()) *ref = response.image_ref();
  return status;
}

int RunPull(Verb& verb, PullOptions& options) {
  if (options.image.empty()) return ReportError(verb, "image name cannot be empty");
  if (!options.auth.username.empty() && !options.auth.password.has_value()) {
    options.auth.password = ReadPassword();
  }
  Result<std::optional<RegistryAuth>> auth = AuthFromFlags(options.auth);
  if (!auth.ok()) return ReportError(verb, MessageOf(auth.status()));

  std::string ref;
  bool any_event = false;
  grpc::Status status = PullWithProgress(verb, options, *auth, &ref, &any_event);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && !any_event) {
    status = PlainPull(verb, options, *auth, &ref);
  }
  if (!status.ok()) return ReportRpcError(verb, "pulling image", status);
  std::cout << "Image is up to date for " << ref << "\n";
  return 0;
}

}  // namespace

void AddPullCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<PullOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "pull", "Pull an image from a registry", "table", {},
                          [options](Verb& verb) { return RunPull(verb, *options); });
  cmd->add_option("image", options->image, "NAME[:TAG|@DIGEST]")->required();
  cmd->add_option("--creds", options->auth.creds,
                  "Use USERNAME[:PASSWORD] for accessing the registry")
      ->envname("CRICTL_CREDS");
  cmd->add_option("--auth", options->auth.auth,
                  "Use AUTH_STRING for accessing the registry. AUTH_STRING is a base64 encoded "
                  "'USERNAME[:PASSWORD]'")
      ->envname("CRICTL_AUTH");
  cmd->add_option("-u,--username", options->auth.username,
                  "Use USERNAME for accessing the registry. The password is asked for on the "
                  "command line unless --password is given");
  cmd->add_option_function<std::string>(
      "--password", [options](const std::string& p) { options->auth.password = p; },
      "The password of --username");
}

}  // namespace cria::criactl

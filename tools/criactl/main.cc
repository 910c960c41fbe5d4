// criactl: a CRI client for people and tests, with crictl's verbs and flags.
#include <CLI/CLI.hpp>

#include "libs/version/version.h"
#include "tools/criactl/commands/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"criactl: a client for CRI runtimes (cria, CRI-O, containerd)"};
  app.set_version_flag("--version", std::string("criactl version ") + cria::kVersion);
  app.require_subcommand(1);
  cria::criactl::Invocation invocation;
  auto& g = invocation.global;
  app.add_option("-r,--runtime-endpoint", g.runtime_endpoint,
                 "Endpoint of the CRI runtime service (default: $CONTAINER_RUNTIME_ENDPOINT "
                 "or unix:///run/cria/cria.sock)");
  app.add_option("-i,--image-endpoint", g.image_endpoint,
                 "Endpoint of the CRI image service (default: the runtime endpoint)");
  app.add_option_function<double>(
         "-t,--timeout",
         [&g](double seconds) {
           g.timeout = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
         },
         "Timeout of each call, in seconds (default 2)")
      ->check(CLI::PositiveNumber);
  app.add_flag("-D,--debug", g.debug, "Print debug information");
  cria::criactl::AddVersionCommand(app, invocation);
  cria::criactl::AddInfoCommand(app, invocation);
  cria::criactl::AddPullCommand(app, invocation);
  cria::criactl::AddImagesCommand(app, invocation);
  cria::criactl::AddInspectiCommand(app, invocation);
  cria::criactl::AddRmiCommand(app, invocation);
  cria::criactl::AddImageFsInfoCommand(app, invocation);
  cria::criactl::AddRunpCommand(app, invocation);
  cria::criactl::AddStoppCommand(app, invocation);
  cria::criactl::AddRmpCommand(app, invocation);
  cria::criactl::AddPodsCommand(app, invocation);
  cria::criactl::AddInspectpCommand(app, invocation);
  cria::criactl::AddCreateCommand(app, invocation);
  cria::criactl::AddStartCommand(app, invocation);
  cria::criactl::AddStopCommand(app, invocation);
  cria::criactl::AddRmCommand(app, invocation);
  cria::criactl::AddPsCommand(app, invocation);
  cria::criactl::AddInspectCommand(app, invocation);
  cria::criactl::AddLogsCommand(app, invocation);
  cria::criactl::AddExecCommand(app, invocation);
  cria::criactl::AddRunCommand(app, invocation);
  cria::criactl::AddUpdateCommand(app, invocation);
  CLI11_PARSE(app, argc, argv);
  return invocation.exit_code;
}

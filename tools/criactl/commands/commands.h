// criactl's subcommands; each file adds one to the CLI and runs it.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/criactl/client/cri_client.h"

namespace cria::criactl {

struct Invocation {
  GlobalOptions global;
  int exit_code = 0;
};

void AddVersionCommand(CLI::App& app, Invocation& invocation);
void AddInfoCommand(CLI::App& app, Invocation& invocation);
void AddPullCommand(CLI::App& app, Invocation& invocation);
void AddImagesCommand(CLI::App& app, Invocation& invocation);
void AddInspectiCommand(CLI::App& app, Invocation& invocation);
void AddRmiCommand(CLI::App& app, Invocation& invocation);
void AddImageFsInfoCommand(CLI::App& app, Invocation& invocation);
// Pods.
void AddRunpCommand(CLI::App& app, Invocation& invocation);
void AddStoppCommand(CLI::App& app, Invocation& invocation);
void AddRmpCommand(CLI::App& app, Invocation& invocation);
void AddPodsCommand(CLI::App& app, Invocation& invocation);
void AddInspectpCommand(CLI::App& app, Invocation& invocation);
// Containers.
void AddCreateCommand(CLI::App& app, Invocation& invocation);
void AddStartCommand(CLI::App& app, Invocation& invocation);
void AddStopCommand(CLI::App& app, Invocation& invocation);
void AddRmCommand(CLI::App& app, Invocation& invocation);
void AddPsCommand(CLI::App& app, Invocation& invocation);
void AddInspectCommand(CLI::App& app, Invocation& invocation);
void AddLogsCommand(CLI::App& app, Invocation& invocation);
void AddExecCommand(CLI::App& app, Invocation& invocation);
void AddRunCommand(CLI::App& app, Invocation& invocation);
void AddUpdateCommand(CLI::App& app, Invocation& invocation);

}  // namespace cria::criactl

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

}  // namespace cria::criactl

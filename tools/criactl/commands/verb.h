// What every criactl verb shares: its -o flag, the connection, and how errors and
// structured output are printed.
#pragma once

#include <grpcpp/support/status.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/criactl/client/cri_client.h"
#include "tools/criactl/commands/commands.h"
#include "tools/criactl/output/format.h"

namespace cria::criactl {

struct Verb {
  std::string name;
  Format format;
  std::unique_ptr<CriClient> client;
};

// Runs a verb with its parsed -o value; returns the exit code.
using VerbRunner = std::function<int(Verb& verb)>;

// Adds subcommand `name` with "-o,--output" (one of `formats`, default `default_format`;
// no -o at all when `formats` is empty, and the verb's format is then kTable).
// Before `run`, the format is checked and the client connected; a failure is printed as
// "criactl <name>: <reason>" and exits 1.
CLI::App* AddVerb(CLI::App& app, Invocation& invocation, const std::string& name,
                  const std::string& description, const std::string& default_format,
                  std::vector<Format> formats, VerbRunner run);

// Prints "criactl <verb>: <doing>: rpc error: code = ... desc = ..." on stderr; returns 1.
int ReportRpcError(const Verb& verb, std::string_view doing, const grpc::Status& status);

// Prints "criactl <verb>: <message>" on stderr; returns 1.
int ReportError(const Verb& verb, std::string_view message);

// Prints JSON text as is, or as YAML.
void PrintStructured(Format format, const std::string& json);

}  // namespace cria::criactl

#include "tools/criactl/commands/verb.h"

#include <iostream>

namespace cria::criactl {

CLI::App* AddVerb(CLI::App& app, Invocation& invocation, const std::string& name,
                  const std::string& description, const std::string& default_format,
                  std::vector<Format> formats, VerbRunner run) {
  auto* cmd = app.add_subcommand(name, description);
  auto output = std::make_shared<std::string>(default_format);
  if (!formats.empty()) {
    cmd->add_option("-o,--output", *output, "Output format: json, yaml or table")
        ->capture_default_str();
  }
  cmd->callback([&invocation, name, output, formats, run] {
    Result<Format> format =
        formats.empty() ? Result<Format>(Format::kTable) : ParseFormat(*output, formats);
    if (!format.ok()) {
      std::cerr << "criactl " << name << ": " << MessageOf(format.status()) << "\n";
      invocation.exit_code = 1;
      return;
    }
    Result<std::unique_ptr<CriClient>> client = CriClient::Connect(invocation.global);
    if (!client.ok()) {
      std::cerr << "criactl " << name << ": " << MessageOf(client.status()) << "\n";
      invocation.exit_code = 1;
      return;
    }
    Verb verb{name, *format, std::move(*client)};
    invocation.exit_code = run(verb);
  });
  return cmd;
}

int ReportRpcError(const Verb& verb, std::string_view doing, const grpc::Status& status) {
  std::cerr << "criactl " << verb.name << ": " << doing << ": " << DescribeRpcError(status) << "\n";
  return 1;
}

int ReportError(const Verb& verb, std::string_view message) {
  std::cerr << "criactl " << verb.name << ": " << message << "\n";
  return 1;
}

void PrintStructured(Format format, const std::string& json) {
  if (format == Format::kYaml) {
    Result<std::string> yaml = JsonToYaml(json);
    std::cout << (yaml.ok() ? *yaml : json);
  } else {
    std::cout << json;
  }
}

}  // namespace cria::criactl

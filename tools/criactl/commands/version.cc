// criactl version: the runtime's name and versions (crictl version).
#include <iostream>

#include "tools/criactl/commands/commands.h"
#include "tools/criactl/output/format.h"

namespace cria::criactl {
namespace {

int RunVersion(const GlobalOptions& global, const std::string& output) {
  Result<Format> format = ParseFormat(output, {Format::kJson, Format::kYaml, Format::kTable});
  if (!format.ok()) {
    std::cerr << "criactl version: " << MessageOf(format.status()) << "\n";
    return 1;
  }
  auto client = CriClient::Connect(global);
  if (!client.ok()) {
    std::cerr << "criactl version: " << MessageOf(client.status()) << "\n";
    return 1;
  }
  ::runtime::v1::VersionRequest request;
  request.set_version("v1");
  ::runtime::v1::VersionResponse response;
  auto ctx = (*client)->Context();
  grpc::Status s = (*client)->runtime().Version(ctx.get(), request, &response);
  if (!s.ok()) {
    std::cerr << "criactl version: getting the runtime version: " << DescribeRpcError(s) << "\n";
    return 1;
  }
  switch (*format) {
    case Format::kJson:
      std::cout << ToJson(response);
      break;
    case Format::kYaml:
      std::cout << JsonToYaml(ToJson(response)).value_or("");
      break;
    case Format::kTable:
      std::cout << "Version:  " << response.version() << "\n"
                << "RuntimeName:  " << response.runtime_name() << "\n"
                << "RuntimeVersion:  " << response.runtime_version() << "\n"
                << "RuntimeApiVersion:  " << response.runtime_api_version() << "\n";
      break;
  }
  return 0;
}

}  // namespace

void AddVersionCommand(CLI::App& app, Invocation& invocation) {
  auto* cmd = app.add_subcommand("version", "Display runtime version information");
  auto output = std::make_shared<std::string>("table");
  cmd->add_option("-o,--output", *output, "Output format: json, yaml or table")
      ->capture_default_str();
  cmd->callback(
      [&invocation, output] { invocation.exit_code = RunVersion(invocation.global, *output); });
}

}  // namespace cria::criactl

// criactl version: the runtime's name and versions (crictl version).
#include <iostream>

#include "tools/criactl/commands/verb.h"

namespace cria::criactl {
namespace {

int RunVersion(Verb& verb) {
  ::runtime::v1::VersionRequest request;
  request.set_version("v1");
  ::runtime::v1::VersionResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().Version(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(verb, "getting the runtime version", s);
  if (verb.format == Format::kTable) {
    std::cout << "Version:  " << response.version() << "\n"
              << "RuntimeName:  " << response.runtime_name() << "\n"
              << "RuntimeVersion:  " << response.runtime_version() << "\n"
              << "RuntimeApiVersion:  " << response.runtime_api_version() << "\n";
  } else {
    PrintStructured(verb.format, ToJson(response));
  }
  return 0;
}

}  // namespace

void AddVersionCommand(CLI::App& app, Invocation& invocation) {
  AddVerb(app, invocation, "version", "Display runtime version information", "table",
          {Format::kJson, Format::kYaml, Format::kTable}, RunVersion);
}

}  // namespace cria::criactl

// criactl info: the runtime's conditions and verbose information (crictl info).
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <iostream>

#include "tools/criactl/commands/verb.h"

namespace cria::criactl {
namespace {

// {"status": {...}, "runtimeHandlers": [...], "features": {...}, "<info key>": <its JSON
// value, or the string>...}, as crictl prints.
std::string InfoJson(const ::runtime::v1::StatusResponse& response) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  rapidjson::Document status;
  status.Parse(ToJson(response.status()).c_str());
  doc.AddMember("status", rapidjson::Value(status, alloc), alloc);
  rapidjson::Value handlers(rapidjson::kArrayType);
  for (const auto& handler : response.runtime_handlers()) {
    rapidjson::Document one;
    one.Parse(ToJson(handler).c_str());
    handlers.PushBack(rapidjson::Value(one, alloc), alloc);
  }
  doc.AddMember("runtimeHandlers", handlers, alloc);
  rapidjson::Document features;
  features.Parse(ToJson(response.features()).c_str());
  doc.AddMember("features", rapidjson::Value(features, alloc), alloc);
  std::map<std::string, std::string> sorted(response.info().begin(), response.info().end());
  for (const auto& [key, value] : sorted) {
    rapidjson::Document parsed;
    parsed.Parse(value.c_str());
    rapidjson::Value v;
    if (parsed.HasParseError()) {
      v.SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), alloc);
    } else {
      v.CopyFrom(parsed, alloc);
    }
    doc.AddMember(rapidjson::Value(key.c_str(), alloc), v, alloc);
  }
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buf);
  writer.SetIndent(' ', 2);
  doc.Accept(writer);
  return std::string(buf.GetString()) + "\n";
}

std::string InfoTable(const ::runtime::v1::StatusResponse& response) {
  std::vector<std::vector<std::string>> rows = {{"CONDITION", "STATUS", "REASON", "MESSAGE"}};
  for (const auto& c : response.status().conditions()) {
    rows.push_back({c.type(), c.status() ? "true" : "false", c.reason(), c.message()});
  }
  return Table(rows);
}

int RunInfo(Verb& verb) {
  ::runtime::v1::StatusRequest request;
  request.set_verbose(verb.format != Format::kTable);
  ::runtime::v1::StatusResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->runtime().Status(ctx.get(), request, &response);
  if (!s.ok()) return ReportRpcError(verb, "getting the status of the runtime", s);
  if (verb.format == Format::kTable) {
    std::cout << InfoTable(response);
  } else {
    PrintStructured(verb.format, InfoJson(response));
  }
  return 0;
}

}  // namespace

void AddInfoCommand(CLI::App& app, Invocation& invocation) {
  AddVerb(app, invocation, "info", "Display information of the container runtime", "json",
          {Format::kJson, Format::kYaml, Format::kTable}, RunInfo);
}

}  // namespace cria::criactl

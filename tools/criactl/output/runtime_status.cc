#include "tools/criactl/output/runtime_status.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "tools/criactl/output/format.h"
#include "tools/criactl/output/human_time.h"
#include "tools/criactl/output/label_lines.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

// ToJson(message), with null for each top-level field it left out (crictl's
// marshalMapInOrder writes every field of the Go struct) and `times` set as strings.
std::string StatusJson(const google::protobuf::Message& message,
                       const std::map<std::string, std::string>& times) {
  rapidjson::Document doc;
  doc.Parse(ToJson(message).c_str());
  auto& alloc = doc.GetAllocator();
  const auto* type = message.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const std::string& name = type->field(i)->json_name();
    if (!doc.HasMember(name.c_str())) {
      doc.AddMember(rapidjson::Value(name.c_str(), alloc), rapidjson::Value(), alloc);
    }
  }
  for (const auto& [name, value] : times) {
    rapidjson::Value v(value.c_str(), alloc);
    if (doc.HasMember(name.c_str())) {
      doc[name.c_str()] = v;
    } else {
      doc.AddMember(rapidjson::Value(name.c_str(), alloc), v, alloc);
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Rfc3339(int64_t unix_nano) { return FormatRfc3339Nano(LocalTime(unix_nano)); }

}  // namespace

std::string PodStatusJson(const cri::PodSandboxStatus& status) {
  return StatusJson(status, {{"createdAt", Rfc3339(status.created_at())}});
}

std::string ContainerStatusJson(const cri::ContainerStatus& status) {
  std::string started = kGoZeroTimeRfc3339;
  std::string finished = kGoZeroTimeRfc3339;
  if (status.state() != cri::CONTAINER_CREATED) started = Rfc3339(status.started_at());
  if (status.state() == cri::CONTAINER_EXITED ||
      (status.state() == cri::CONTAINER_UNKNOWN && status.finished_at() > 0)) {
    finished = Rfc3339(status.finished_at());
  }
  return StatusJson(status, {{"createdAt", Rfc3339(status.created_at())},
                             {"startedAt", started},
                             {"finishedAt", finished}});
}

std::string GoMapString(const google::protobuf::Map<std::string, std::string>& map) {
  std::map<std::string, std::string> sorted(map.begin(), map.end());
  std::string out = "map[";
  bool first = true;
  for (const auto& [k, v] : sorted) {
    if (!first) out += " ";
    first = false;
    out += k + ":" + v;
  }
  return out + "]";
}

std::string PodStatusTable(const cri::PodSandboxStatusResponse& response, bool verbose) {
  const auto& s = response.status();
  std::string out = "ID: " + s.id() + "\n";
  if (s.has_metadata()) {
    const auto& m = s.metadata();
    if (!m.name().empty()) out += "Name: " + m.name() + "\n";
    if (!m.uid().empty()) out += "UID: " + m.uid() + "\n";
    if (!m.namespace_().empty()) out += "Namespace: " + m.namespace_() + "\n";
    out += "Attempt: " + std::to_string(m.attempt()) + "\n";
  }
  out += "Status: " + cri::PodSandboxState_Name(s.state()) + "\n";
  out += "Created: " + FormatGoTimeString(LocalTime(s.created_at())) + "\n";
  if (s.has_network()) {
    out += "IP Addresses: " + s.network().ip() + "\n";
    for (const auto& ip : s.network().additional_ips()) out += "Additional IP: " + ip.ip() + "\n";
  }
  AppendLabelLines("Labels", s.labels(), out);
  AppendLabelLines("Annotations", s.annotations(), out);
  if (verbose) out += "Info: " + GoMapString(response.info()) + "\n";
  return out;
}

std::string ContainerStatusTable(const cri::ContainerStatusResponse& response, bool verbose,
                                 int64_t now_unix_nano) {
  const auto& s = response.status();
  std::string out = "ID: " + s.id() + "\n";
  if (s.has_metadata()) {
    if (!s.metadata().name().empty()) out += "Name: " + s.metadata().name() + "\n";
    if (s.metadata().attempt() != 0) {
      out += "Attempt: " + std::to_string(s.metadata().attempt()) + "\n";
    }
  }
  out += "State: " + cri::ContainerState_Name(s.state()) + "\n";
  out += "Created: " + CreatedAgo(s.created_at(), now_unix_nano) + "\n";
  if (s.state() != cri::CONTAINER_CREATED) {
    out += "Started: " + CreatedAgo(s.started_at(), now_unix_nano) + "\n";
  }
  if (s.state() == cri::CONTAINER_EXITED) {
    if (s.finished_at() > 0) {
      out += "Finished: " + CreatedAgo(s.finished_at(), now_unix_nano) + "\n";
    }
    out += "Exit Code: " + std::to_string(s.exit_code()) + "\n";
  }
  AppendLabelLines("Labels", s.labels(), out);
  AppendLabelLines("Annotations", s.annotations(), out);
  if (verbose) out += "Info: " + GoMapString(response.info()) + "\n";
  return out;
}

}  // namespace cria::criactl

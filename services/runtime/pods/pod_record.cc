#include "services/runtime/pods/pod_record.h"

#include <google/protobuf/util/json_util.h>

#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::pods {
namespace {

constexpr int kRecordVersion = 1;

Status Bad(const std::string& what) {
  return Status(StatusCode::kDataLoss, "pod record: bad or missing " + what);
}

}  // namespace

std::string PodRecord::ReservedName() const {
  const auto& m = config.metadata();
  return "k8s_POD_" + m.name() + "_" + m.namespace_() + "_" + m.uid() + "_" +
         std::to_string(m.attempt());
}

bool PodRecord::HostNetwork() const {
  return config.linux().security_context().namespace_options().network() == ::runtime::v1::NODE;
}

bool PodRecord::HostIpc() const {
  return config.linux().security_context().namespace_options().ipc() == ::runtime::v1::NODE;
}

bool PodRecord::SharesPid() const {
  return config.linux().security_context().namespace_options().pid() == ::runtime::v1::POD;
}

std::string ToJson(const PodRecord& r) {
  std::string config;
  (void)google::protobuf::util::MessageToJsonString(r.config, &config);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  w.Key("version");
  w.Int(kRecordVersion);
  str("id", r.id);
  str("config", config);
  str("runtime_handler", r.runtime_handler);
  str("state", r.state == PodState::kReady ? "ready" : "notready");
  w.Key("created_unix_nano");
  w.Int64(r.created_unix_nano);
  str("dir", r.dir);
  str("ipc_ns", r.ipc_ns);
  str("uts_ns", r.uts_ns);
  str("net_ns", r.net_ns);
  str("pid_ns", r.pid_ns);
  w.Key("infra_pid");
  w.Int(r.infra_pid);
  w.Key("ips");
  w.StartArray();
  for (const auto& ip : r.ips) w.String(ip.c_str());
  w.EndArray();
  w.Key("network_ready");
  w.Bool(r.network_ready);
  w.EndObject();
  return buffer.GetString();
}

Result<PodRecord> PodFromJson(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Bad("JSON object");
  if (!doc.HasMember("version") || !doc["version"].IsInt() ||
      doc["version"].GetInt() != kRecordVersion) {
    return Bad("version");
  }
  PodRecord r;
  auto str = [&](const char* key, std::string* out) -> Status {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return Bad(key);
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return OkStatus();
  };
  std::string config, state;
  for (auto [key, out] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"id", &r.id},
           {"config", &config},
           {"runtime_handler", &r.runtime_handler},
           {"state", &state},
           {"dir", &r.dir},
           {"ipc_ns", &r.ipc_ns},
           {"uts_ns", &r.uts_ns},
           {"net_ns", &r.net_ns}}) {
    CRIA_RETURN_IF_ERROR(str(key, out), "");
  }
  if (!google::protobuf::util::JsonStringToMessage(config, &r.config).ok()) return Bad("config");
  if (state != "ready" && state != "notready") return Bad("state");
  r.state = state == "ready" ? PodState::kReady : PodState::kNotReady;
  if (!doc.HasMember("created_unix_nano") || !doc["created_unix_nano"].IsInt64()) {
    return Bad("created_unix_nano");
  }
  r.created_unix_nano = doc["created_unix_nano"].GetInt64();
  if (!doc.HasMember("ips") || !doc["ips"].IsArray()) return Bad("ips");
  for (const auto& ip : doc["ips"].GetArray()) {
    if (!ip.IsString()) return Bad("ips");
    r.ips.emplace_back(ip.GetString());
  }
  if (!doc.HasMember("network_ready") || !doc["network_ready"].IsBool()) {
    return Bad("network_ready");
  }
  r.network_ready = doc["network_ready"].GetBool();
  // Added after the first records were written: optional.
  if (doc.HasMember("pid_ns") && doc["pid_ns"].IsString()) r.pid_ns = doc["pid_ns"].GetString();
  if (doc.HasMember("infra_pid") && doc["infra_pid"].IsInt()) {
    r.infra_pid = doc["infra_pid"].GetInt();
  }
  return r;
}

}  // namespace cria::runtime::pods

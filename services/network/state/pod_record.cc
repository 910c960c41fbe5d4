#include "services/network/state/pod_record.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cria::network::state {
namespace {

constexpr int kRecordVersion = 1;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

Status Missing(const char* key) {
  return Status(StatusCode::kDataLoss,
                std::string("pod network record: no string \"") + key + "\"");
}

Result<std::string> GetStr(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return Missing(key);
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string ToJson(const PodRecord& r) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("version");
  w.Int(kRecordVersion);
  Str(w, "pod_id", r.pod_id);
  Str(w, "pod_name", r.pod_name);
  Str(w, "pod_namespace", r.pod_namespace);
  Str(w, "pod_uid", r.pod_uid);
  Str(w, "phase", r.phase == Phase::kReady ? "ready" : "adding");
  Str(w, "netns", r.netns);
  Str(w, "network_name", r.network_name);
  Str(w, "network_file", r.network_file);
  Str(w, "network_config", r.network_config);
  w.Key("cni_args");
  w.StartArray();
  for (const auto& [k, v] : r.cni_args) {
    w.StartArray();
    w.String(k.c_str());
    w.String(v.c_str());
    w.EndArray();
  }
  w.EndArray();
  Str(w, "capabilities", r.capabilities_json);
  Str(w, "result", r.result_json);
  w.Key("ips");
  w.StartArray();
  for (const auto& ip : r.ips) w.String(ip.c_str());
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

Result<PodRecord> FromJson(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return Status(StatusCode::kDataLoss, "pod network record: not an object");
  auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt() ||
      version->value.GetInt() != kRecordVersion) {
    return Status(StatusCode::kDataLoss, "pod network record: unknown version");
  }
  PodRecord r;
  CRIA_ASSIGN_OR_RETURN(r.pod_id, GetStr(doc, "pod_id"), "");
  CRIA_ASSIGN_OR_RETURN(r.pod_name, GetStr(doc, "pod_name"), "");
  CRIA_ASSIGN_OR_RETURN(r.pod_namespace, GetStr(doc, "pod_namespace"), "");
  CRIA_ASSIGN_OR_RETURN(r.pod_uid, GetStr(doc, "pod_uid"), "");
  CRIA_ASSIGN_OR_RETURN(std::string phase, GetStr(doc, "phase"), "");
  if (phase != "ready" && phase != "adding") {
    return Status(StatusCode::kDataLoss, "pod network record: bad phase \"" + phase + "\"");
  }
  r.phase = phase == "ready" ? Phase::kReady : Phase::kAdding;
  CRIA_ASSIGN_OR_RETURN(r.netns, GetStr(doc, "netns"), "");
  CRIA_ASSIGN_OR_RETURN(r.network_name, GetStr(doc, "network_name"), "");
  CRIA_ASSIGN_OR_RETURN(r.network_file, GetStr(doc, "network_file"), "");
  CRIA_ASSIGN_OR_RETURN(r.network_config, GetStr(doc, "network_config"), "");
  CRIA_ASSIGN_OR_RETURN(r.capabilities_json, GetStr(doc, "capabilities"), "");
  CRIA_ASSIGN_OR_RETURN(r.result_json, GetStr(doc, "result"), "");
  auto args = doc.FindMember("cni_args");
  if (args == doc.MemberEnd() || !args->value.IsArray()) return Missing("cni_args");
  for (const auto& pair : args->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
      return Status(StatusCode::kDataLoss, "pod network record: bad cni_args entry");
    }
    r.cni_args.emplace_back(pair[0].GetString(), pair[1].GetString());
  }
  auto ips = doc.FindMember("ips");
  if (ips == doc.MemberEnd() || !ips->value.IsArray()) return Missing("ips");
  for (const auto& ip : ips->value.GetArray()) {
    if (!ip.IsString()) return Status(StatusCode::kDataLoss, "pod network record: bad ip");
    r.ips.emplace_back(ip.GetString());
  }
  return r;
}

}  // namespace cria::network::state

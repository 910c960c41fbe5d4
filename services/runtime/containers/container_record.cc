#include "services/runtime/containers/container_record.h"

#include <google/protobuf/util/json_util.h>

#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::containers {
namespace {

constexpr int kRecordVersion = 1;

const char* StateName(ContainerState s) {
  switch (s) {
    case ContainerState::kCreated:
      return "created";
    case ContainerState::kRunning:
      return "running";
    case ContainerState::kExited:
      return "exited";
    case ContainerState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Status Bad(const std::string& what) {
  return Status(StatusCode::kDataLoss, "container record: bad or missing " + what);
}

}  // namespace

std::string ContainerRecord::ReservedName(const ::runtime::v1::PodSandboxMetadata& pod) const {
  return "k8s_" + config.metadata().name() + "_" + pod.name() + "_" + pod.namespace_() + "_" +
         pod.uid() + "_" + std::to_string(config.metadata().attempt());
}

::runtime::v1::ContainerState CriState(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated:
      return ::runtime::v1::CONTAINER_CREATED;
    case ContainerState::kRunning:
      return ::runtime::v1::CONTAINER_RUNNING;
    case ContainerState::kExited:
      return ::runtime::v1::CONTAINER_EXITED;
    case ContainerState::kUnknown:
      return ::runtime::v1::CONTAINER_UNKNOWN;
  }
  return ::runtime::v1::CONTAINER_UNKNOWN;
}

std::string ToJson(const ContainerRecord& r) {
  std::string config;
  (void)google::protobuf::util::MessageToJsonString(r.config, &config);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto num = [&](const char* key, int64_t value) {
    w.Key(key);
    w.Int64(value);
  };
  w.StartObject();
  num("version", kRecordVersion);
  str("id", r.id);
  str("pod_id", r.pod_id);
  str("config", config);
  str("image_id", r.image_id);
  str("handler", r.handler);
  str("state", StateName(r.state));
  num("created_unix_nano", r.created_unix_nano);
  num("started_unix_nano", r.started_unix_nano);
  num("finished_unix_nano", r.finished_unix_nano);
  num("exit_code", r.exit_code);
  str("reason", r.reason);
  str("message", r.message);
  num("pid", r.pid);
  str("bundle", r.bundle);
  str("log_path", r.log_path);
  str("rootfs", r.rootfs);
  str("cgroups_path", r.cgroups_path);
  str("stop_signal", r.stop_signal);
  w.EndObject();
  return buffer.GetString();
}

Result<ContainerRecord> ContainerFromJson(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Bad("JSON object");
  auto num = [&](const char* key, int64_t* out) -> Status {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return Bad(key);
    *out = it->value.GetInt64();
    return OkStatus();
  };
  auto str = [&](const char* key, std::string* out) -> Status {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return Bad(key);
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return OkStatus();
  };
  int64_t version = 0;
  CRIA_RETURN_IF_ERROR(num("version", &version), "");
  if (version != kRecordVersion) return Bad("version");
  ContainerRecord r;
  std::string config, state;
  for (auto [key, out] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"id", &r.id},
           {"pod_id", &r.pod_id},
           {"config", &config},
           {"image_id", &r.image_id},
           {"handler", &r.handler},
           {"state", &state},
           {"reason", &r.reason},
           {"message", &r.message},
           {"bundle", &r.bundle},
           {"log_path", &r.log_path},
           {"rootfs", &r.rootfs},
           {"cgroups_path", &r.cgroups_path},
           {"stop_signal", &r.stop_signal}}) {
    CRIA_RETURN_IF_ERROR(str(key, out), "");
  }
  int64_t exit_code = 0, pid = 0;
  CRIA_RETURN_IF_ERROR(num("created_unix_nano", &r.created_unix_nano), "");
  CRIA_RETURN_IF_ERROR(num("started_unix_nano", &r.started_unix_nano), "");
  CRIA_RETURN_IF_ERROR(num("finished_unix_nano", &r.finished_unix_nano), "");
  CRIA_RETURN_IF_ERROR(num("exit_code", &exit_code), "");
  CRIA_RETURN_IF_ERROR(num("pid", &pid), "");
  r.exit_code = static_cast<int>(exit_code);
  r.pid = static_cast<pid_t>(pid);
  if (!google::protobuf::util::JsonStringToMessage(config, &r.config).ok()) return Bad("config");
  if (state == "created") {
    r.state = ContainerState::kCreated;
  } else if (state == "running") {
    r.state = ContainerState::kRunning;
  } else if (state == "exited") {
    r.state = ContainerState::kExited;
  } else if (state == "unknown") {
    r.state = ContainerState::kUnknown;
  } else {
    return Bad("state");
  }
  return r;
}

}  // namespace cria::runtime::containers

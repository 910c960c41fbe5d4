#include "services/runtime/containers/container_record.h"

#include <google/protobuf/util/json_util.h>

#include "libs/records/record_fields.h"
#include "rapidjson/document.h"

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

rapidjson::Document ToJson(const ContainerRecord& r) {
  std::string config, user;
  (void)google::protobuf::util::MessageToJsonString(r.config, &config);
  (void)google::protobuf::util::MessageToJsonString(r.user, &user);
  return records::RecordBuilder(kRecordVersion)
      .String("id", r.id)
      .String("pod_id", r.pod_id)
      .String("config", config)
      .String("image_id", r.image_id)
      .String("handler", r.handler)
      .String("state", StateName(r.state))
      .Int64("created_unix_nano", r.created_unix_nano)
      .Int64("started_unix_nano", r.started_unix_nano)
      .Int64("finished_unix_nano", r.finished_unix_nano)
      .Int64("exit_code", r.exit_code)
      .String("reason", r.reason)
      .String("message", r.message)
      .Int64("pid", r.pid)
      .Int64("conmon_pid", r.conmon_pid)
      .String("bundle", r.bundle)
      .String("log_path", r.log_path)
      .String("rootfs", r.rootfs)
      .String("cgroups_path", r.cgroups_path)
      .String("stop_signal", r.stop_signal)
      .String("user", user)
      .String("boot_id", r.boot_id)
      .String("image_name", r.image_name)
      .String("image_digest", r.image_digest)
      .Take();
}

Result<ContainerRecord> ContainerFromJson(const rapidjson::Value& json) {
  CRIA_ASSIGN_OR_RETURN(records::RecordReader in,
                        records::RecordReader::Open(json, "container", kRecordVersion), "");
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
    CRIA_RETURN_IF_ERROR(in.String(key, out), "");
  }
  int64_t exit_code = 0, pid = 0;
  CRIA_RETURN_IF_ERROR(in.Int64("created_unix_nano", &r.created_unix_nano), "");
  CRIA_RETURN_IF_ERROR(in.Int64("started_unix_nano", &r.started_unix_nano), "");
  CRIA_RETURN_IF_ERROR(in.Int64("finished_unix_nano", &r.finished_unix_nano), "");
  CRIA_RETURN_IF_ERROR(in.Int64("exit_code", &exit_code), "");
  CRIA_RETURN_IF_ERROR(in.Int64("pid", &pid), "");
  int conmon_pid = 0;
  CRIA_RETURN_IF_ERROR(in.OptionalInt("conmon_pid", &conmon_pid), "");
  std::string user;
  CRIA_RETURN_IF_ERROR(in.OptionalString("user", &user), "");
  CRIA_RETURN_IF_ERROR(in.OptionalString("boot_id", &r.boot_id), "");
  CRIA_RETURN_IF_ERROR(in.OptionalString("image_name", &r.image_name), "");
  CRIA_RETURN_IF_ERROR(in.OptionalString("image_digest", &r.image_digest), "");
  if (!user.empty() && !google::protobuf::util::JsonStringToMessage(user, &r.user).ok()) {
    return in.Bad("user");
  }
  r.exit_code = static_cast<int>(exit_code);
  r.pid = static_cast<pid_t>(pid);
  r.conmon_pid = conmon_pid;
  if (!google::protobuf::util::JsonStringToMessage(config, &r.config).ok()) {
    return in.Bad("config");
  }
  if (state == "created") {
    r.state = ContainerState::kCreated;
  } else if (state == "running") {
    r.state = ContainerState::kRunning;
  } else if (state == "exited") {
    r.state = ContainerState::kExited;
  } else if (state == "unknown") {
    r.state = ContainerState::kUnknown;
  } else {
    return in.Bad("state");
  }
  return r;
}

}  // namespace cria::runtime::containers

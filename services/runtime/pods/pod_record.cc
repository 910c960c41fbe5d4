#include "services/runtime/pods/pod_record.h"

#include <google/protobuf/util/json_util.h>

#include "libs/records/record_fields.h"
#include "rapidjson/document.h"

namespace cria::runtime::pods {
namespace {

constexpr int kRecordVersion = 1;

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

rapidjson::Document ToJson(const PodRecord& r) {
  std::string config;
  (void)google::protobuf::util::MessageToJsonString(r.config, &config);
  return records::RecordBuilder(kRecordVersion)
      .String("id", r.id)
      .String("config", config)
      .String("runtime_handler", r.runtime_handler)
      .String("state", r.state == PodState::kReady ? "ready" : "notready")
      .Int64("created_unix_nano", r.created_unix_nano)
      .String("dir", r.dir)
      .String("ipc_ns", r.ipc_ns)
      .String("uts_ns", r.uts_ns)
      .String("net_ns", r.net_ns)
      .String("pid_ns", r.pid_ns)
      .Int64("infra_pid", r.infra_pid)
      .Strings("ips", r.ips)
      .Bool("network_ready", r.network_ready)
      .Take();
}

Result<PodRecord> PodFromJson(const rapidjson::Value& json) {
  CRIA_ASSIGN_OR_RETURN(records::RecordReader in,
                        records::RecordReader::Open(json, "pod", kRecordVersion), "");
  PodRecord r;
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
    CRIA_RETURN_IF_ERROR(in.String(key, out), "");
  }
  if (!google::protobuf::util::JsonStringToMessage(config, &r.config).ok()) {
    return in.Bad("config");
  }
  if (state != "ready" && state != "notready") return in.Bad("state");
  r.state = state == "ready" ? PodState::kReady : PodState::kNotReady;
  CRIA_RETURN_IF_ERROR(in.Int64("created_unix_nano", &r.created_unix_nano), "");
  CRIA_RETURN_IF_ERROR(in.Strings("ips", &r.ips), "");
  CRIA_RETURN_IF_ERROR(in.Bool("network_ready", &r.network_ready), "");
  // Added after the first records were written: optional.
  CRIA_RETURN_IF_ERROR(in.OptionalString("pid_ns", &r.pid_ns), "");
  CRIA_RETURN_IF_ERROR(in.OptionalInt("infra_pid", &r.infra_pid), "");
  return r;
}

}  // namespace cria::runtime::pods

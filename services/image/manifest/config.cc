#include "services/image/manifest/config.h"

#include <utility>

#include "libs/records/json_object.h"
#include "services/image/manifest/json_fields.h"

namespace cria::image::manifest {
namespace {

using internal::FieldError;
using internal::Find;
using internal::TypeName;

Status ParseRunConfig(const rapidjson::Value& doc, ImageConfig& out) {
  const rapidjson::Value* config = Find(doc, "config");
  if (config == nullptr || config->IsNull()) return OkStatus();
  if (!config->IsObject()) {
    return FieldError("config", std::string("is ") + TypeName(*config) + ", not an object");
  }
  const rapidjson::Value& c = *config;
  CRIA_ASSIGN_OR_RETURN(out.user, internal::OptionalString(c, "User", "config"), "");
  CRIA_ASSIGN_OR_RETURN(out.env, internal::OptionalStringArray(c, "Env", "config"), "");
  CRIA_ASSIGN_OR_RETURN(out.entrypoint, internal::OptionalStringArray(c, "Entrypoint", "config"),
                        "");
  CRIA_ASSIGN_OR_RETURN(out.cmd, internal::OptionalStringArray(c, "Cmd", "config"), "");
  CRIA_ASSIGN_OR_RETURN(out.working_dir, internal::OptionalString(c, "WorkingDir", "config"), "");
  CRIA_ASSIGN_OR_RETURN(out.stop_signal, internal::OptionalString(c, "StopSignal", "config"), "");
  CRIA_ASSIGN_OR_RETURN(out.labels, internal::OptionalStringMap(c, "Labels", "config"), "");
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> ports,
                        internal::OptionalObjectKeys(c, "ExposedPorts", "config"), "");
  out.exposed_ports.insert(ports.begin(), ports.end());
  CRIA_ASSIGN_OR_RETURN(out.volumes, internal::OptionalObjectKeys(c, "Volumes", "config"), "");
  return OkStatus();
}

Status ParseRootfs(const rapidjson::Value& doc, ImageConfig& out) {
  const rapidjson::Value* rootfs = Find(doc, "rootfs");
  if (rootfs == nullptr) return FieldError("rootfs", "missing");
  if (!rootfs->IsObject()) {
    return FieldError("rootfs", std::string("is ") + TypeName(*rootfs) + ", not an object");
  }
  CRIA_ASSIGN_OR_RETURN(std::string type, internal::RequiredString(*rootfs, "type", "rootfs"), "");
  if (type != "layers") {
    return FieldError("rootfs.type", "is \"" + type + "\", not \"layers\"");
  }
  if (Find(*rootfs, "diff_ids") == nullptr) return FieldError("rootfs.diff_ids", "missing");
  CRIA_ASSIGN_OR_RETURN(out.diff_ids, internal::OptionalStringArray(*rootfs, "diff_ids", "rootfs"),
                        "");
  for (size_t i = 0; i < out.diff_ids.size(); ++i) {
    if (Status status = CheckDigest(out.diff_ids[i]); !status.ok()) {
      return FieldError("rootfs.diff_ids[" + std::to_string(i) + "]", MessageOf(status));
    }
  }
  return OkStatus();
}

}  // namespace

Result<ImageConfig> ParseConfig(std::string_view body) {
  if (body.size() > kMaxConfigBytes) {
    return Status(StatusCode::kResourceExhausted, "image config is " + std::to_string(body.size()) +
                                                      " bytes, over the limit of " +
                                                      std::to_string(kMaxConfigBytes) + " bytes");
  }
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(body), "image config");
  ImageConfig config;
  CRIA_ASSIGN_OR_RETURN(config.os, internal::OptionalString(doc, "os", ""), "image config");
  CRIA_ASSIGN_OR_RETURN(config.architecture, internal::OptionalString(doc, "architecture", ""),
                        "image config");
  CRIA_RETURN_IF_ERROR(ParseRunConfig(doc, config), "image config");
  CRIA_RETURN_IF_ERROR(ParseRootfs(doc, config), "image config");
  return config;
}

Status CheckLayersMatch(const Manifest& manifest, const ImageConfig& config) {
  if (manifest.layers.size() == config.diff_ids.size()) return OkStatus();
  return Status(StatusCode::kInvalidArgument,
                "manifest has " + std::to_string(manifest.layers.size()) +
                    " layers but the image config's rootfs.diff_ids has " +
                    std::to_string(config.diff_ids.size()) + " (one per layer expected)");
}

}  // namespace cria::image::manifest

// crictl's pod and container config files (pod-config.json, container-config.yaml): the
// CRI PodSandboxConfig or ContainerConfig as JSON or YAML. Field names may be the proto
// names crictl's examples use ("log_directory") or their lowerCamelCase JSON names
// ("logDirectory"); enums may be numbers or names; unknown fields are ignored.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "cri/runtime/v1/cri_api.h"
#include "libs/status/status.h"

namespace cria::criactl {

// YAML text as JSON for `message`'s type: each scalar is written as the JSON type of its
// field (a string field gets a string even from `name: 123`, a bytes field its text
// base64-encoded), keys that name no field are dropped, null values are left out. InvalidArgument
// (with the line) for bad YAML.
Result<std::string> YamlToJson(std::string_view yaml, const google::protobuf::Descriptor& type);

// JSON text the same way: names made the proto's JSON names, unknown keys dropped, values
// of bytes fields (which crictl's files hold as text) base64-encoded.
Result<std::string> NormalizeJson(std::string_view json, const google::protobuf::Descriptor& type);

// Fills `message` from JSON (text starting with '{') or YAML.
Status ParseConfigText(std::string_view text, google::protobuf::Message* message);

// crictl's loadPodSandboxConfig: the metadata must be there with a name and a namespace;
// an empty uid gets a random UUID.
Result<::runtime::v1::PodSandboxConfig> ParsePodSandboxConfig(std::string_view text);
// crictl's loadContainerConfig: the metadata must be there with a name.
Result<::runtime::v1::ContainerConfig> ParseContainerConfig(std::string_view text);

// The same from files; NotFound "config at <path> not found".
Result<::runtime::v1::PodSandboxConfig> LoadPodSandboxConfig(const std::string& path);
Result<::runtime::v1::ContainerConfig> LoadContainerConfig(const std::string& path);

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string RandomUuid();

}  // namespace cria::criactl

// criactl's output formats (-o json|yaml|table), as crictl prints them.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::criactl {

enum class Format { kJson, kYaml, kTable };

// "json", "yaml", "table"; `allowed` lists what the command supports.
Result<Format> ParseFormat(const std::string& name, const std::vector<Format>& allowed);

// A message as indented JSON with every field, proto field names in lowerCamelCase as
// crictl prints them.
std::string ToJson(const google::protobuf::Message& message);
// Any JSON text as YAML.
Result<std::string> JsonToYaml(const std::string& json);

// Columns padded to their widest cell, separated by three spaces.
std::string Table(const std::vector<std::vector<std::string>>& rows);

}  // namespace cria::criactl

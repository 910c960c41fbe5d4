// What cria-network remembers of one pod's network, in <state_dir>/network/pods/<id>.json.
// The record is written before the netns and CNI ADD ("adding") and completed after
// ("ready"), so a crash at any point leaves enough to undo: the exact network
// configuration ADD used, its CNI_ARGS and capabilities, and the ADD result for DEL.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::state {

enum class Phase { kAdding, kReady };

struct PodRecord {
  std::string pod_id;
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  Phase phase = Phase::kAdding;
  std::string netns;           // pin path
  std::string network_name;    // CNI network name
  std::string network_file;    // where its configuration was read
  std::string network_config;  // the configuration text ADD used (DEL must use the same)
  std::vector<std::pair<std::string, std::string>> cni_args;
  std::string capabilities_json;  // runtimeConfig values offered to plugins
  std::string result_json;        // the ADD result; empty while adding
  std::vector<std::string> ips;
};

std::string ToJson(const PodRecord& record);
// DataLoss naming the field when something is missing or of the wrong type.
Result<PodRecord> FromJson(const rapidjson::Value& object);

}  // namespace cria::network::state

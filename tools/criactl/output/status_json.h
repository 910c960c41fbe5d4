// The JSON that crictl's inspect verbs (inspecti, imagefsinfo, ...) print: its
// outputStatusData, which decodes the status into Go maps and encodes it again.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::criactl {

struct StatusData {
  std::string json;                         // the status message as JSON (ToJson)
  std::map<std::string, std::string> info;  // the verbose info of the response
};

// For each entry an object {"status": <json>, <info key>: <value>...}: an info value that
// starts with '{' is a JSON object (a string when it does not parse), any other value a
// string with its surrounding double quotes removed. As Go's encoding/json prints it: keys
// sorted at every level, numbers as float64, '<', '>' and '&' escaped, indented by two
// spaces. One entry prints as that object, several as an array, none as "". Ends with a
// newline. InvalidArgument when `json` of an entry is not JSON.
Result<std::string> StatusDataJson(const std::vector<StatusData>& statuses);

}  // namespace cria::criactl

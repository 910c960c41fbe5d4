// The labels and annotations block of crictl's verbose output (`ps -v`, `pods -v`, and
// the status of inspect/inspectp in table form).
#pragma once

#include <google/protobuf/map.h>

#include <string>

namespace cria::criactl {

// "<title>:\n" then "\t<key> -> <value>\n" per entry, sorted by key; nothing for an empty
// map.
void AppendLabelLines(const char* title, const google::protobuf::Map<std::string, std::string>& map,
                      std::string& out);

}  // namespace cria::criactl

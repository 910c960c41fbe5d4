#include "tools/criactl/output/label_lines.h"

#include <map>

namespace cria::criactl {

void AppendLabelLines(const char* title, const google::protobuf::Map<std::string, std::string>& map,
                      std::string& out) {
  if (map.empty()) return;
  out += std::string(title) + ":\n";
  std::map<std::string, std::string> sorted(map.begin(), map.end());
  for (const auto& [k, v] : sorted) out += "\t" + k + " -> " + v + "\n";
}

}  // namespace cria::criactl

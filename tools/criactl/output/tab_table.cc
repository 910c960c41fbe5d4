#include "tools/criactl/output/tab_table.h"

#include <algorithm>

namespace cria::criactl {

std::string TabTable(const std::vector<std::vector<std::string>>& rows, size_t min_width,
                     size_t padding) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(min_width);
      widths[i] = std::max(widths[i], row[i].size() + padding);
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - row[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace cria::criactl

// crictl's tables: Go's text/tabwriter as crictl sets it up (newDefaultTableDisplay).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cria::criactl {

// Each cell but a row's last is padded with spaces to its column's width: the widest such
// cell plus `padding`, and at least `min_width`. A row's last cell is printed as is, so no
// line ends in spaces unless its last cell does. crictl uses min_width 20, padding 3.
std::string TabTable(const std::vector<std::vector<std::string>>& rows, size_t min_width = 20,
                     size_t padding = 3);

}  // namespace cria::criactl

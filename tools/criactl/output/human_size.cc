#include "tools/criactl/output/human_size.h"

#include <cstdio>

namespace cria::criactl {

std::string HumanSizeWithPrecision(double size, int precision) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  constexpr int kLast = static_cast<int>(sizeof(kUnits) / sizeof(kUnits[0])) - 1;
  int unit = 0;
  while (size >= 1000.0 && unit < kLast) {
    size /= 1000.0;
    ++unit;
  }
  // C's %g and Go's %g agree: same rounding, same switch to an exponent when it is below
  // -4 or at least the precision, trailing zeros dropped, two-digit exponent at least.
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", precision, size);
  return std::string(buf) + kUnits[unit];
}

std::string HumanSize(double size) { return HumanSizeWithPrecision(size, 4); }

}  // namespace cria::criactl

// Sizes for people, as crictl prints them with github.com/docker/go-units.
#pragma once

#include <string>

namespace cria::criactl {

// go-units HumanSizeWithPrecision: `size` in decimal units (B, kB, MB, GB, TB, PB, EB, ZB,
// YB; 1 kB = 1000 B) with `precision` significant digits, printed as Go's "%.*g" does:
// 4260000 → "4.26MB", 1000 → "1kB", 999999 → "1e+03kB".
std::string HumanSizeWithPrecision(double size, int precision);

// go-units HumanSize: HumanSizeWithPrecision(size, 4).
std::string HumanSize(double size);

}  // namespace cria::criactl

#include "tools/criactl/output/human_size.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

TEST_CASE("sizes print as go-units HumanSizeWithPrecision(size, 3)") {
  CHECK(HumanSizeWithPrecision(0, 3) == "0B");
  CHECK(HumanSizeWithPrecision(12, 3) == "12B");
  CHECK(HumanSizeWithPrecision(999, 3) == "999B");
  CHECK(HumanSizeWithPrecision(1000, 3) == "1kB");
  CHECK(HumanSizeWithPrecision(1500, 3) == "1.5kB");
  CHECK(HumanSizeWithPrecision(742000, 3) == "742kB");
  CHECK(HumanSizeWithPrecision(4261234, 3) == "4.26MB");
  CHECK(HumanSizeWithPrecision(1150000, 3) == "1.15MB");
  CHECK(HumanSizeWithPrecision(77700000, 3) == "77.7MB");
  CHECK(HumanSizeWithPrecision(2e9, 3) == "2GB");
  CHECK(HumanSizeWithPrecision(1.234e12, 3) == "1.23TB");
  // Go's %g switches to an exponent when rounding reaches the precision, as C's does.
  CHECK(HumanSizeWithPrecision(999999, 3) == "1e+03kB");
  CHECK(HumanSizeWithPrecision(2e27, 3) == "2e+03YB");
}

TEST_CASE("HumanSize keeps four significant digits") {
  CHECK(HumanSize(0) == "0B");
  CHECK(HumanSize(4261234) == "4.261MB");
  CHECK(HumanSize(123456789) == "123.5MB");
  CHECK(HumanSize(1000) == "1kB");
}

}  // namespace
}  // namespace cria::criactl

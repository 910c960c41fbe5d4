// Deterministic, fast pseudo-random numbers (splitmix64) for the benchmarks' generated
// layers: the same seed gives the same files, run after run.
#pragma once

#include <cmath>
#include <cstdint>

namespace cria::bench {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }
  // Log-uniform in [lo, hi]: many small values, few large ones, as file sizes are.
  uint64_t LogRange(uint64_t lo, uint64_t hi) {
    double u = static_cast<double>(Next() >> 11) / static_cast<double>(1ULL << 53);
    return static_cast<uint64_t>(static_cast<double>(lo) *
                                 std::pow(static_cast<double>(hi) / static_cast<double>(lo), u));
  }

 private:
  uint64_t state_;
};

}  // namespace cria::bench

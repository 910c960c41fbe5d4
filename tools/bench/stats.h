// What every benchmark driver prints: median, p90 and max of its samples, in ms.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace cria::bench {

using Clock = std::chrono::steady_clock;

inline double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  double median, p90, max;
};

// `samples` must not be empty.
inline Stats Summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))];
  };
  return {at(0.5), at(0.9), samples.back()};
}

}  // namespace cria::bench

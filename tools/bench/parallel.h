// fn(0), ..., fn(n-1) on `threads` threads at once, for the CRI benchmarks' bursts and
// their set-up and clean-up outside the clock.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "libs/status/status.h"

namespace cria::bench {

// Returns the first error; after one, the remaining calls are made only when
// `keep_going` (a clean-up that should do what it can).
inline Status ForEachParallel(int n, int threads, const std::function<Status(int)>& fn,
                              bool keep_going = false) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first;
  std::vector<std::thread> workers;
  for (int t = 0; t < std::min(n, threads); ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < n && (keep_going || !failed); i = next++) {
        Status s = fn(i);
        if (s.ok()) continue;
        failed = true;
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) first = s;
      }
    });
  }
  for (auto& w : workers) w.join();
  return first;
}

}  // namespace cria::bench

// Joins parallel asynchronous calls: `done` runs once, on the thread of the last
// Arrive(), after every expected call has arrived.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

namespace cria::rpc {

class Join {
 public:
  static std::shared_ptr<Join> Create(size_t expected, std::function<void()> done) {
    return std::shared_ptr<Join>(new Join(expected, std::move(done)));
  }
  void Arrive() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_();
  }

 private:
  Join(size_t expected, std::function<void()> done) : pending_(expected), done_(std::move(done)) {}
  std::atomic<size_t> pending_;
  std::function<void()> done_;
};

}  // namespace cria::rpc

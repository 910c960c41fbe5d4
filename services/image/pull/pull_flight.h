// One pull in flight, shared by every caller that asks for the same image meanwhile: its
// progress (per-layer states and bytes) and, once done, its outcome.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "cria/image/v1/image.pb.h"
#include "libs/status/status.h"
#include "services/image/store/image_record.h"

namespace cria::image::pull {

class PullFlight {
 public:
  // Changes the progress under the lock and wakes the waiters.
  void Update(const std::function<void(v1::PullProgress&)>& change);
  void Finish(Result<store::ImageRecord> outcome);

  struct View {
    uint64_t version = 0;
    v1::PullProgress progress;
    std::optional<Result<store::ImageRecord>> outcome;  // set once finished
  };
  // Returns as soon as the version is past `seen` or the pull is finished, at the latest
  // after `timeout`.
  View Wait(uint64_t seen, std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t version_ = 0;
  v1::PullProgress progress_;
  std::optional<Result<store::ImageRecord>> outcome_;
};

}  // namespace cria::image::pull

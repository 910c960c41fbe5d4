#include "services/image/pull/pull_flight.h"

namespace cria::image::pull {

void PullFlight::Update(const std::function<void(v1::PullProgress&)>& change) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    change(progress_);
    ++version_;
  }
  cv_.notify_all();
}

void PullFlight::Finish(Result<store::ImageRecord> outcome) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    outcome_ = std::move(outcome);
    ++version_;
  }
  cv_.notify_all();
}

PullFlight::View PullFlight::Wait(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return version_ > seen || outcome_.has_value(); });
  return View{version_, progress_, outcome_};
}

}  // namespace cria::image::pull

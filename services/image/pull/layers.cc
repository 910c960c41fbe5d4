#include "services/image/pull/layers.h"

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "libs/digest/chain_id.h"

namespace cria::image::pull {
namespace {

using State = v1::LayerProgress::State;

void SetState(PullFlight& flight, size_t i, State state) {
  flight.Update(
      [&](v1::PullProgress& p) { p.mutable_layers(static_cast<int>(i))->set_state(state); });
}

// Downloads run on worker threads; results wait here for the applier, in order.
class DownloadQueue {
 public:
  DownloadQueue(size_t first, size_t end) : next_(first), end_(end), results_(end) {}

  // The next index to download, or nullopt when none is left or the pull stopped.
  std::optional<size_t> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (next_ >= end_ || failed_) return std::nullopt;
    return next_++;
  }
  void Done(size_t i, Result<FetchedBlob> result) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!result.ok()) {
        if (!failed_) first_error_ = result.status();
        failed_ = true;
      }
      results_[i] = std::move(result);
    }
    cv_.notify_all();
  }
  Result<FetchedBlob> WaitFor(size_t i) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return results_[i].has_value(); });
    return *results_[i];
  }
  // The failure that stopped the downloads (others then fail Cancelled).
  Status FirstError() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }
  // Stops handing out work (an apply failed).
  void Fail() {
    std::lock_guard<std::mutex> lock(mu_);
    failed_ = true;
  }
  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  // Blob files downloaded but never applied.
  std::vector<FetchedBlob> Leftovers(size_t from) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<FetchedBlob> out;
    for (size_t i = from; i < end_; ++i) {
      if (results_[i] && results_[i]->ok()) out.push_back(**results_[i]);
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t next_, end_;
  bool failed_ = false;
  Status first_error_ = OkStatus();
  std::vector<std::optional<Result<FetchedBlob>>> results_;
};

}  // namespace

Result<std::vector<std::string>> ChainIds(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  std::string parent;
  for (const std::string& diff_id : diff_ids) {
    CRIA_ASSIGN_OR_RETURN(parent, digest::ChainId(parent, diff_id), "image config rootfs.diff_ids");
    out.push_back(parent);
  }
  return out;
}

Result<LayersOutcome> PullLayers(const std::vector<LayerJob>& jobs, StorageLink& storage,
                                 const std::string& holder, int parallel, const FetchFn& fetch,
                                 PullFlight& flight, const std::atomic<bool>& stop) {
  const size_t n = jobs.size();
  LayersOutcome outcome;
  // The highest chain storage has: it and everything below need nothing.
  size_t first_missing = 0;
  for (size_t i = n; i > 0; --i) {
    CRIA_ASSIGN_OR_RETURN(bool present, storage.PinIfPresent(jobs[i - 1].chain_id, holder), "");
    if (present) {
      first_missing = i;
      break;
    }
  }
  for (size_t i = 0; i < first_missing; ++i) {
    SetState(flight, i, v1::LayerProgress::PRESENT);
    CRIA_ASSIGN_OR_RETURN(uint64_t size, storage.LayerSize(jobs[i].chain_id), "");
    outcome.size += size;
  }
  if (first_missing == n) return outcome;

  DownloadQueue queue(first_missing, n);
  auto worker = [&] {
    while (std::optional<size_t> i = queue.Take()) {
      SetState(flight, *i, v1::LayerProgress::DOWNLOADING);
      uint64_t reported = 0;
      auto on_bytes = [&, index = *i](uint64_t bytes) {
        if (stop.load() || queue.failed()) return false;
        // A progress update per 256 KiB is plenty for a display.
        if (bytes - reported >= (256u << 10)) {
          reported = bytes;
          flight.Update([&](v1::PullProgress& p) {
            p.mutable_layers(static_cast<int>(index))->set_downloaded(static_cast<int64_t>(bytes));
          });
        }
        return true;
      };
      Result<FetchedBlob> blob = fetch(*i, on_bytes);
      if (blob.ok()) {
        flight.Update([&](v1::PullProgress& p) {
          auto* layer = p.mutable_layers(static_cast<int>(*i));
          layer->set_downloaded(layer->size());
          layer->set_state(v1::LayerProgress::DOWNLOADED);
        });
      }
      queue.Done(*i, std::move(blob));
    }
  };
  std::vector<std::thread> workers;
  size_t threads = std::min<size_t>(std::max(parallel, 1), n - first_missing);
  for (size_t t = 0; t < threads; ++t) workers.emplace_back(worker);

  Status failure = OkStatus();
  size_t applied_to = first_missing;
  for (size_t i = first_missing; i < n; ++i) {
    Result<FetchedBlob> blob = queue.WaitFor(i);
    if (!blob.ok()) {
      failure = queue.FirstError().ok() ? blob.status() : queue.FirstError();
      break;
    }
    if (stop.load()) {
      failure = Status(StatusCode::kCancelled, "pull stopped: cria-image is shutting down");
      break;
    }
    SetState(flight, i, v1::LayerProgress::APPLYING);
    const std::string parent = i == 0 ? "" : jobs[i - 1].chain_id;
    Result<AppliedLayer> applied = storage.ApplyAndPin(parent, blob->path, jobs[i].diff_id, holder);
    if (blob->temporary) ::unlink(blob->path.c_str());
    applied_to = i + 1;
    if (!applied.ok()) {
      failure = applied.status();
      break;
    }
    if (applied->chain_id != jobs[i].chain_id) {
      failure = Status(StatusCode::kDataLoss, "layer " + jobs[i].descriptor.digest +
                                                  " unpacked to chain " + applied->chain_id +
                                                  ", expected " + jobs[i].chain_id);
      break;
    }
    outcome.size += applied->size;
    SetState(flight, i, v1::LayerProgress::DONE);
  }
  if (!failure.ok()) queue.Fail();
  for (std::thread& t : workers) t.join();
  for (const FetchedBlob& left : queue.Leftovers(applied_to)) {
    if (left.temporary) ::unlink(left.path.c_str());
  }
  if (!failure.ok()) return failure;
  return outcome;
}

}  // namespace cria::image::pull

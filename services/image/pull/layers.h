// The layer phase of a pull: layers download in parallel (a bounded number at a time,
// base layer first) and each is handed to cria-storage as soon as it is complete and its
// parent is applied, so downloading overlaps unpacking. Layers storage already has (the
// highest present chain and everything under it) are not downloaded at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"
#include "services/image/pull/pull_flight.h"
#include "services/image/pull/storage_link.h"

namespace cria::image::pull {

struct LayerJob {
  manifest::Descriptor descriptor;
  std::string diff_id;   // from the image config
  std::string chain_id;  // computed from the diffIDs
};

struct FetchedBlob {
  std::string path;
  bool temporary = false;  // removed once applied
};

// Produces layer `index`'s blob, calling `on_bytes` with the running byte count; the
// download stops (Cancelled) when on_bytes returns false.
using FetchFn =
    std::function<Result<FetchedBlob>(size_t index, const std::function<bool(uint64_t)>& on_bytes)>;

struct LayersOutcome {
  uint64_t size = 0;  // uncompressed bytes of all layers
};

// Makes every layer of `jobs` present in storage, pinned for `holder` (the caller drops
// those pins once the image holds its own). `parallel` downloads at a time; `stop` set
// from outside abandons the pull. Progress goes to `flight` (layers in `jobs` order).
Result<LayersOutcome> PullLayers(const std::vector<LayerJob>& jobs, StorageLink& storage,
                                 const std::string& holder, int parallel, const FetchFn& fetch,
                                 PullFlight& flight, const std::atomic<bool>& stop);

// Chain IDs of `diff_ids` (bottom first).
Result<std::vector<std::string>> ChainIds(const std::vector<std::string>& diff_ids);

}  // namespace cria::image::pull

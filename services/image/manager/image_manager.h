// What cria-image does, apart from how it is called: pulls, lookups, removal, what a
// container needs of an image, and the reconciliation of the store with cria-storage
// at start. The gRPC services (server/) are thin wrappers around it.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "libs/config/config.h"
#include "libs/status/status.h"
#include "services/image/pull/puller.h"
#include "services/image/pull/storage_link.h"
#include "services/image/store/image_store.h"

namespace cria::image::manager {

struct ReconcileReport {
  int images = 0;
  std::vector<std::string> dropped;  // records whose layers are gone
  int unpinned = 0;                  // pins of pulls and images that no longer exist
  int layers_collected = 0;
};

class ImageManager {
 public:
  ImageManager(const config::ImageSection& config, store::ImageStore& store,
               pull::StorageLink& storage, pull::Puller& puller);

  // Brings the pins in cria-storage in line with the records: pins of interrupted pulls
  // and of removed images are dropped, records whose top layer is gone are dropped, then
  // unneeded layers are collected. Pulls and removals wait until it has run.
  Result<ReconcileReport> Reconcile();
  // Lets waiting calls go on even though Reconcile could not run (cria-storage down):
  // they then fail or succeed on their own.
  void MarkReconciled();

  Result<store::ImageRecord> Pull(const pull::PullSpec& spec, const pull::ProgressFn& progress,
                                  const std::function<bool()>& cancelled);
  // Every image, or the one `filter` names (none when it names no image).
  std::vector<runtime::v1::Image> List(const std::string& filter) const;
  // The image `text` names, or nullopt; `info` gets the verbose info when not null.
  Result<std::optional<runtime::v1::Image>> ImageStatus(
      const std::string& text, std::map<std::string, std::string>* info) const;
  // Removes the image (or only the tag `text` names, when the image has others). Absent
  // images are OK; FailedPrecondition naming the container when a container uses it.
  Status Remove(const std::string& text, const std::function<bool()>& cancelled = nullptr);
  Result<v1::ResolveResponse> Resolve(const std::string& text) const;

 private:
  bool IsPinned(const store::ImageRecord& record) const;
  Result<runtime::v1::Image> View(const store::ImageRecord& record) const;
  // Unavailable when `cancelled` says the caller gave up first (cria-storage is down).
  Status WaitReconciled(const std::function<bool()>& cancelled);

  store::ImageStore& store_;
  pull::StorageLink& storage_;
  pull::Puller& puller_;
  std::set<std::string> pinned_names_;  // stored names of image.pinned_images

  std::mutex mu_;
  std::condition_variable reconciled_cv_;
  bool reconciled_ = false;
};

}  // namespace cria::image::manager

#include "services/image/manager/image_manager.h"

#include <unistd.h>

#include "libs/log/log.h"
#include "services/image/manager/image_view.h"
#include "services/image/store/lookup.h"

namespace cria::image::manager {
namespace {

const char kImageHolder[] = "image:";
const char kPullHolder[] = "pull:";

}  // namespace

ImageManager::ImageManager(const config::ImageSection& config, store::ImageStore& store,
                           pull::StorageLink& storage, pull::Puller& puller)
    : store_(store), storage_(storage), puller_(puller) {
  for (const std::string& name : config.pinned_images) {
    Result<std::vector<reference::Reference>> refs = store::Candidates(name, puller_.name_rules());
    if (!refs.ok()) {
      log::Warn("pinned image name ignored", {{"name", name}, {"error", refs.status()}});
      continue;
    }
    for (const auto& ref : *refs) pinned_names_.insert(store::StoredName(ref));
  }
}

void ImageManager::MarkReconciled() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reconciled_ = true;
  }
  reconciled_cv_.notify_all();
}

Status ImageManager::WaitReconciled(const std::function<bool()>& cancelled) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!reconciled_) {
    reconciled_cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (!reconciled_ && cancelled && cancelled()) {
      return Status(StatusCode::kUnavailable,
                    "cria-image is not ready: its images are not yet reconciled with "
                    "cria-storage (is cria-storage running?)");
    }
  }
  return OkStatus();
}

Result<ReconcileReport> ImageManager::Reconcile() {
  ReconcileReport report;
  // A short wait: the caller retries, and a shutdown is not held up for long.
  CRIA_ASSIGN_OR_RETURN(std::vector<storage::v1::Pin> pins,
                        storage_.ListPins("", std::chrono::seconds(5)),
                        "reconcile images with cria-storage");
  const std::string own_pulls = std::string(kPullHolder) + std::to_string(getpid()) + "-";
  std::set<std::pair<std::string, std::string>> pinned;  // (chain, holder)
  for (const storage::v1::Pin& pin : pins) {
    const std::string& holder = pin.holder();
    bool stale = false;
    if (holder.rfind(kPullHolder, 0) == 0) {
      stale = holder.rfind(own_pulls, 0) != 0;
    } else if (holder.rfind(kImageHolder, 0) == 0) {
      stale = !store_.Get(holder.substr(sizeof(kImageHolder) - 1)).has_value();
    }
    if (!stale) {
      pinned.insert({pin.chain_id(), holder});
      continue;
    }
    CRIA_RETURN_IF_ERROR(storage_.Unpin(pin.chain_id(), holder), "reconcile images");
    ++report.unpinned;
  }
  for (const store::ImageRecord& record : store_.List()) {
    ++report.images;
    const std::string top = record.TopLayer();
    const std::string holder = kImageHolder + record.id;
    if (top.empty() || pinned.count({top, holder}) > 0) continue;
    CRIA_ASSIGN_OR_RETURN(bool present, storage_.PinIfPresent(top, holder), "reconcile images");
    if (present) continue;
    log::Warn("image dropped: its layers are gone from cria-storage", {{"image", record.id}});
    CRIA_RETURN_IF_ERROR(store_.Remove(record.id), "reconcile images");
    report.dropped.push_back(record.id);
  }
  CRIA_ASSIGN_OR_RETURN(storage::v1::GarbageCollectResponse gc, storage_.CollectGarbage(),
                        "reconcile images");
  report.layers_collected = gc.removed_size();
  MarkReconciled();
  return report;
}

Result<store::ImageRecord> ImageManager::Pull(const pull::PullSpec& spec,
                                              const pull::ProgressFn& progress,
                                              const std::function<bool()>& cancelled) {
  CRIA_RETURN_IF_ERROR(WaitReconciled(cancelled), "pull " + spec.image);
  return puller_.Pull(spec, progress, cancelled);
}

bool ImageManager::IsPinned(const store::ImageRecord& record) const {
  for (const std::string& tag : record.repo_tags) {
    if (pinned_names_.count(tag) > 0) return true;
  }
  for (const std::string& digest : record.repo_digests) {
    if (pinned_names_.count(digest) > 0) return true;
  }
  return false;
}

Result<runtime::v1::Image> ImageManager::View(const store::ImageRecord& record) const {
  CRIA_ASSIGN_OR_RETURN(std::string body, store_.ReadConfig(record.id),
                        "read the config of image " + record.id);
  CRIA_ASSIGN_OR_RETURN(manifest::ImageConfig config, manifest::ParseConfig(body),
                        "config of image " + record.id);
  return ToCriImage(record, config, IsPinned(record));
}

std::vector<runtime::v1::Image> ImageManager::List(const std::string& filter) const {
  std::vector<store::ImageRecord> records;
  if (filter.empty()) {
    records = store_.List();
  } else if (Result<store::ImageRecord> one =
                 store::FindImage(store_, filter, puller_.name_rules());
             one.ok()) {
    records.push_back(*one);
  }
  std::vector<runtime::v1::Image> out;
  for (const store::ImageRecord& record : records) {
    Result<runtime::v1::Image> image = View(record);
    if (image.ok()) {
      out.push_back(std::move(*image));
    } else {
      log::Warn("image not listed", {{"image", record.id}, {"error", image.status()}});
    }
  }
  return out;
}

Result<std::optional<runtime::v1::Image>> ImageManager::ImageStatus(
    const std::string& text, std::map<std::string, std::string>* info) const {
  Result<store::ImageRecord> record = store::FindImage(store_, text, puller_.name_rules());
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) {
      return std::optional<runtime::v1::Image>();
    }
    return record.status();
  }
  CRIA_ASSIGN_OR_RETURN(runtime::v1::Image image, View(*record), "");
  if (info != nullptr) {
    CRIA_ASSIGN_OR_RETURN(std::string config, store_.ReadConfig(record->id), "");
    *info = VerboseInfo(*record, config);
  }
  return std::optional<runtime::v1::Image>(std::move(image));
}

Status ImageManager::Remove(const std::string& text, const std::function<bool()>& cancelled) {
  CRIA_RETURN_IF_ERROR(WaitReconciled(cancelled), "remove image " + text);
  Result<store::ImageRecord> found = store::FindImage(store_, text, puller_.name_rules());
  if (!found.ok()) {
    return found.status().code() == StatusCode::kNotFound ? OkStatus() : found.status();
  }
  const store::ImageRecord& record = *found;
  // One tag of several: only the tag goes.
  if (record.repo_tags.size() > 1) {
    Result<std::vector<reference::Reference>> refs = store::Candidates(text, puller_.name_rules());
    if (refs.ok()) {
      for (const auto& ref : *refs) {
        std::string name = store::StoredName(ref);
        if (std::find(record.repo_tags.begin(), record.repo_tags.end(), name) !=
            record.repo_tags.end()) {
          return store_.RemoveName(record.id, name);
        }
      }
    }
  }
  CRIA_ASSIGN_OR_RETURN(std::vector<storage::v1::RootfsEntry> rootfs, storage_.ListRootfs(),
                        "remove image " + text);
  const std::string top = record.TopLayer();
  for (const auto& entry : rootfs) {
    bool uses = entry.image_id() == record.id ||
                (entry.image_id().empty() && !top.empty() && entry.top_layer() == top);
    if (uses) {
      return Status(
          StatusCode::kFailedPrecondition,
          "image " + text + " (" + record.id + ") is in use by container " + entry.container_id());
    }
  }
  CRIA_RETURN_IF_ERROR(store_.Remove(record.id), "remove image " + text);
  if (!top.empty()) {
    CRIA_RETURN_IF_ERROR(storage_.Unpin(top, kImageHolder + record.id), "remove image " + text);
  }
  Result<storage::v1::GarbageCollectResponse> gc = storage_.CollectGarbage();
  if (!gc.ok()) log::Warn("garbage collection after image removal", {{"error", gc.status()}});
  log::Info("image removed", {{"image", text}, {"id", record.id}});
  return OkStatus();
}

Result<v1::ResolveResponse> ImageManager::Resolve(const std::string& text) const {
  CRIA_ASSIGN_OR_RETURN(store::ImageRecord record,
                        store::FindImage(store_, text, puller_.name_rules()), "");
  CRIA_ASSIGN_OR_RETURN(std::string body, store_.ReadConfig(record.id),
                        "read the config of image " + record.id);
  CRIA_ASSIGN_OR_RETURN(manifest::ImageConfig config, manifest::ParseConfig(body),
                        "config of image " + record.id);
  v1::ResolveResponse response;
  response.set_id(record.id);
  response.set_top_layer(record.TopLayer());
  *response.mutable_config() = ToImageConfig(config);
  for (const auto& t : record.repo_tags) response.add_repo_tags(t);
  for (const auto& d : record.repo_digests) response.add_repo_digests(d);
  return response;
}

}  // namespace cria::image::manager

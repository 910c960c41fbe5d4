#include "services/image/store/image_store.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "libs/records/atomic_file.h"
#include "libs/records/small_file.h"

namespace cria::image::store {
namespace {

namespace fs = std::filesystem;

std::string Hex(std::string_view digest) {
  size_t colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void Erase(std::vector<std::string>& list, const std::string& value) {
  list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

ImageStore::ImageStore(std::string root) : root_(std::move(root)), records_(root_ + "/images") {}

Status ImageStore::Init() {
  for (const char* sub : {"/blobs/sha256", "/tmp"}) {
    std::error_code ec;
    fs::create_directories(root_ + sub, ec);
    if (ec) return ErrnoStatus(ec.value(), "create " + root_ + sub);
  }
  chmod(root_.c_str(), 0700);
  return records_.Init();
}

StoreRecovery ImageStore::Load() {
  StoreRecovery report;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/tmp", ec)) {
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    report.removed.push_back(entry.path());
  }
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    report.problems.push_back(MessageOf(loaded.status()));
    return report;
  }
  for (const auto& q : loaded->quarantined) {
    report.problems.push_back("image record " + q.name + ": " + q.reason);
  }
  std::map<std::string, ImageRecord> images;
  std::set<std::string> blobs;
  for (const auto& [name, doc] : loaded->records) {
    Result<ImageRecord> record = FromJson(doc);
    if (!record.ok() || Hex(record->id) != name) {
      report.problems.push_back(
          "image record " + name + ": " +
          (record.ok() ? "id does not match the file name" : MessageOf(record.status())));
      continue;
    }
    blobs.insert(Hex(record->id));
    blobs.insert(Hex(record->manifest_digest));
    images[record->id] = std::move(*record);
  }
  for (const auto& entry : fs::directory_iterator(root_ + "/blobs/sha256", ec)) {
    if (blobs.count(entry.path().filename()) > 0) continue;
    std::error_code rm;
    fs::remove(entry.path(), rm);
    report.removed.push_back(entry.path());
  }
  report.images = static_cast<int>(images.size());
  std::lock_guard<std::mutex> lock(mu_);
  images_ = std::move(images);
  return report;
}

std::string ImageStore::BlobPath(const std::string& digest) const {
  return root_ + "/blobs/sha256/" + Hex(digest);
}

Status ImageStore::WriteRecord(const ImageRecord& record) {
  CRIA_RETURN_IF_ERROR(records_.Write(Hex(record.id), ToJson(record)), "record image " + record.id);
  images_[record.id] = record;
  return OkStatus();
}

Status ImageStore::Put(ImageRecord record, std::string_view config, std::string_view manifest) {
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(BlobPath(record.id), config, 0644),
                       "store the config of image " + record.id);
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(BlobPath(record.manifest_digest), manifest, 0644),
                       "store the manifest of image " + record.id);
  std::lock_guard<std::mutex> lock(mu_);
  auto existing = images_.find(record.id);
  if (existing != images_.end()) {
    for (const std::string& tag : existing->second.repo_tags) AddUnique(record.repo_tags, tag);
    for (const std::string& d : existing->second.repo_digests) AddUnique(record.repo_digests, d);
  }
  // A tag moves to the new image; the one that had it stays, without it.
  for (auto& [id, other] : images_) {
    if (id == record.id) continue;
    for (const std::string& tag : record.repo_tags) {
      if (std::find(other.repo_tags.begin(), other.repo_tags.end(), tag) != other.repo_tags.end()) {
        ImageRecord updated = other;
        Erase(updated.repo_tags, tag);
        CRIA_RETURN_IF_ERROR(WriteRecord(updated), "untag " + tag);
      }
    }
  }
  return WriteRecord(record);
}

Status ImageStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(id);
  if (it == images_.end()) return OkStatus();
  CRIA_RETURN_IF_ERROR(records_.Remove(Hex(id)), "remove the record of image " + id);
  std::string manifest = it->second.manifest_digest;
  images_.erase(it);
  (void)records::RemoveFile(BlobPath(id));
  (void)records::RemoveFile(BlobPath(manifest));
  return OkStatus();
}

Status ImageStore::RemoveName(const std::string& id, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(id);
  if (it == images_.end()) return Status(StatusCode::kNotFound, "image " + id + " not found");
  ImageRecord updated = it->second;
  Erase(updated.repo_tags, name);
  Erase(updated.repo_digests, name);
  return WriteRecord(updated);
}

Result<ImageRecord> ImageStore::FindById(std::string_view text) const {
  std::string_view hex = text;
  if (hex.rfind("sha256:", 0) == 0) hex.remove_prefix(7);
  if (hex.size() < 3 || hex.size() > 64 || !IsHex(hex)) {
    return Status(StatusCode::kNotFound, "no image with id " + std::string(text));
  }
  std::lock_guard<std::mutex> lock(mu_);
  const ImageRecord* found = nullptr;
  int matches = 0;
  for (const auto& [id, record] : images_) {
    if (Hex(id).compare(0, hex.size(), hex) == 0) {
      found = &record;
      ++matches;
    }
  }
  if (matches == 0) return Status(StatusCode::kNotFound, "no image with id " + std::string(text));
  if (matches > 1) {
    return Status(StatusCode::kInvalidArgument, "image id prefix " + std::string(text) +
                                                    " matches " + std::to_string(matches) +
                                                    " images; give more digits");
  }
  return *found;
}

std::optional<ImageRecord> ImageStore::FindByName(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, record] : images_) {
    for (const auto* list : {&record.repo_tags, &record.repo_digests}) {
      if (std::find(list->begin(), list->end(), name) != list->end()) return record;
    }
  }
  return std::nullopt;
}

std::optional<ImageRecord> ImageStore::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(id);
  if (it == images_.end()) return std::nullopt;
  return it->second;
}

std::vector<ImageRecord> ImageStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ImageRecord> out;
  for (const auto& [id, record] : images_) out.push_back(record);
  return out;
}

Result<std::string> ImageStore::ReadConfig(const std::string& id) const {
  return records::ReadSmallFile(BlobPath(id), 8 << 20);
}

Result<std::string> ImageStore::ReadManifest(const ImageRecord& record) const {
  return records::ReadSmallFile(BlobPath(record.manifest_digest), 8 << 20);
}

Result<std::string> ImageStore::MakeTempDir(const std::string& hint) const {
  std::string pattern = root_ + "/tmp/" + hint + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    return ErrnoStatus(errno, "create a directory in " + root_ + "/tmp");
  return pattern;
}

}  // namespace cria::image::store

#include "services/storage/store/layer_store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "libs/digest/chain_id.h"
#include "libs/log/log.h"
#include "services/storage/layers/apply.h"
#include "services/storage/store/usage.h"

namespace cria::storage::store {

using digest::ChainId;
using digest::DigestHex;
using digest::IsDigest;
namespace {

namespace fs = std::filesystem;
constexpr int kRecordVersion = 1;

rapidjson::Document ToRecord(const LayerInfo& layer) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  doc.AddMember("version", kRecordVersion, a);
  doc.AddMember("chain_id", rapidjson::Value(layer.chain_id.c_str(), a), a);
  doc.AddMember("diff_id", rapidjson::Value(layer.diff_id.c_str(), a), a);
  doc.AddMember("parent", rapidjson::Value(layer.parent.c_str(), a), a);
  doc.AddMember("size", static_cast<uint64_t>(layer.size), a);
  rapidjson::Value holders(rapidjson::kArrayType);
  for (const auto& h : layer.holders) holders.PushBack(rapidjson::Value(h.c_str(), a), a);
  doc.AddMember("holders", holders, a);
  return doc;
}

Result<LayerInfo> FromRecord(const rapidjson::Value& doc) {
  auto str = [&](const char* key) -> const char* {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : nullptr;
  };
  auto version = doc.FindMember("version");
  auto size = doc.FindMember("size");
  if (version == doc.MemberEnd() || !version->value.IsInt() ||
      version->value.GetInt() != kRecordVersion || str("chain_id") == nullptr ||
      str("diff_id") == nullptr || str("parent") == nullptr || size == doc.MemberEnd() ||
      !size->value.IsUint64()) {
    return Status(StatusCode::kDataLoss, "layer record: missing or bad fields");
  }
  LayerInfo layer;
  layer.chain_id = str("chain_id");
  layer.diff_id = str("diff_id");
  layer.parent = str("parent");
  layer.size = size->value.GetUint64();
  if (auto holders = doc.FindMember("holders");
      holders != doc.MemberEnd() && holders->value.IsArray()) {
    for (const auto& h : holders->value.GetArray()) {
      if (h.IsString()) layer.holders.emplace_back(h.GetString());
    }
  }
  if (!IsDigest(layer.chain_id) || !IsDigest(layer.diff_id)) {
    return Status(StatusCode::kDataLoss, "layer record: bad digest");
  }
  return layer;
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return ErrnoStatus(ec.value(), "remove " + path);
  return OkStatus();
}

Status CheckBlob(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "layer blob path \"" + path + "\" is not an absolute path");
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "layer blob " + path);
  if (!S_ISREG(st.st_mode)) {
    return Status(StatusCode::kInvalidArgument, "layer blob " + path + " is not a regular file");
  }
  return OkStatus();
}

}  // namespace

LayerStore::LayerStore(std::string root, drivers::Driver& driver, bool allow_devices)
    : root_(std::move(root)),
      driver_(driver),
      allow_devices_(allow_devices),
      records_(root_ + "/layer-records") {}

std::string LayerStore::LinkPath(const std::string& chain_id) const {
  return root_ + "/l/" + DigestHex(chain_id).substr(0, 16);
}

Status LayerStore::EnsureLink(const std::string& chain_id) const {
  std::string link = LinkPath(chain_id);
  std::string target = "../layers/" + DigestHex(chain_id) + "/diff";
  unlink(link.c_str());
  if (symlink(target.c_str(), link.c_str()) != 0) return ErrnoStatus(errno, "link " + link);
  return OkStatus();
}

Result<std::vector<std::string>> LayerStore::LowerDirs(const std::string& chain_id) const {
  std::vector<std::string> dirs;
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string id = chain_id; !id.empty();) {
    auto it = layers_.find(id);
    if (it == layers_.end()) {
      return Status(StatusCode::kNotFound, "layer " + id + " is not present");
    }
    dirs.push_back(LinkPath(id));
    id = it->second.parent;
  }
  return dirs;
}

std::string LayerStore::LayerDir(const std::string& chain_id) const {
  return root_ + "/layers/" + DigestHex(chain_id);
}

Status LayerStore::Init() {
  for (const char* sub : {"/layers", "/tmp", "/l"}) {
    std::error_code ec;
    fs::create_directories(root_ + sub, ec);
    if (ec) return ErrnoStatus(ec.value(), "create " + root_ + sub);
    chmod((root_ + sub).c_str(), 0700);
  }
  return records_.Init();
}

StoreRecovery LayerStore::Recover() {
  StoreRecovery report;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/tmp", ec)) {
    if (RemoveTree(entry.path()).ok()) report.removed.push_back(entry.path());
  }
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    report.problems.push_back(MessageOf(loaded.status()));
    return report;
  }
  for (const auto& q : loaded->quarantined) {
    report.problems.push_back("quarantined layer record " + q.name + ": " + q.reason);
  }
  std::map<std::string, LayerInfo> found;
  for (const auto& [name, doc] : loaded->records) {
    Result<LayerInfo> layer = FromRecord(doc);
    if (!layer.ok() || DigestHex(layer->chain_id) != name) {
      report.problems.push_back("layer record " + name + ": unusable");
      continue;
    }
    layer->diff_dir = LayerDir(layer->chain_id) + "/diff";
    if (!fs::is_directory(layer->diff_dir, ec)) {
      (void)records_.Remove(name);
      report.problems.push_back("layer " + layer->chain_id + " had a record but no files");
      continue;
    }
    if (Status s = EnsureLink(layer->chain_id); !s.ok()) report.problems.push_back(MessageOf(s));
    found[layer->chain_id] = *layer;
  }
  // A layer dir with no record: a crash between the rename and the record.
  for (const auto& entry : fs::directory_iterator(root_ + "/layers", ec)) {
    std::string chain = "sha256:" + entry.path().filename().string();
    if (found.count(chain) > 0) continue;
    if (RemoveTree(entry.path()).ok()) report.removed.push_back(entry.path());
  }
  report.layers = static_cast<int>(found.size());
  std::lock_guard<std::mutex> lock(mu_);
  layers_ = std::move(found);
  return report;
}

std::optional<LayerInfo> LayerStore::Get(const std::string& chain_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = layers_.find(chain_id);
  if (it == layers_.end()) return std::nullopt;
  return it->second;
}

std::vector<LayerInfo> LayerStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LayerInfo> out;
  for (const auto& [id, layer] : layers_) out.push_back(layer);
  return out;
}

Result<ApplyOutcome> LayerStore::Apply(const ApplyRequest& request) {
  if (!request.parent.empty() && !IsDigest(request.parent)) {
    return Status(StatusCode::kInvalidArgument,
                  "parent \"" + request.parent + "\" is not a sha256 chain ID");
  }
  if (!request.expected_diff_id.empty() && !IsDigest(request.expected_diff_id)) {
    return Status(StatusCode::kInvalidArgument,
                  "expected diffID \"" + request.expected_diff_id + "\" is not a sha256 digest");
  }
  if (!request.parent.empty() && !Get(request.parent)) {
    return Status(StatusCode::kFailedPrecondition,
                  "parent layer " + request.parent + " is not present");
  }
  if (!request.expected_diff_id.empty()) {
    CRIA_ASSIGN_OR_RETURN(std::string chain, ChainId(request.parent, request.expected_diff_id), "");
    if (std::optional<LayerInfo> have = Get(chain)) return ApplyOutcome{*have, true};
  }
  CRIA_RETURN_IF_ERROR(CheckBlob(request.blob_path), "");

  std::string tmpl = root_ + "/tmp/apply-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return ErrnoStatus(errno, "create " + tmpl);
  const std::string tmp = tmpl;
  std::string what = "apply layer " + request.blob_path + " onto " +
                     (request.parent.empty() ? std::string("nothing") : request.parent);
  if (mkdir((tmp + "/diff").c_str(), 0755) != 0) {
    Status s = ErrnoStatus(errno, "create " + tmp + "/diff");
    (void)RemoveTree(tmp);
    return s;
  }
  std::string parent_diff;
  if (!request.parent.empty()) parent_diff = Get(request.parent)->diff_dir;
  if (Status s = driver_.PrepareLayer(parent_diff, tmp + "/diff"); !s.ok()) {
    (void)RemoveTree(tmp);
    return Annotate(s, what);
  }
  layers::ApplyOptions options;
  options.whiteouts = driver_.Whiteouts();
  options.allow_devices = allow_devices_;
  options.expected_diff_id = request.expected_diff_id;
  Result<layers::ApplyResult> applied =
      layers::ApplyLayer(request.blob_path, tmp + "/diff", options);
  if (!applied.ok()) {
    (void)RemoveTree(tmp);
    return Annotate(applied.status(), what);
  }
  Result<std::string> chain = ChainId(request.parent, applied->diff_id);
  if (!chain.ok()) {
    (void)RemoveTree(tmp);
    return Annotate(chain.status(), what);
  }
  LayerInfo layer{*chain, applied->diff_id, request.parent, applied->uncompressed_size,
                  LayerDir(*chain) + "/diff"};

  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = layers_.find(layer.chain_id); it != layers_.end()) {
    (void)RemoveTree(tmp);  // applied concurrently by another call
    return ApplyOutcome{it->second, true};
  }
  std::string dir = LayerDir(layer.chain_id);
  (void)RemoveTree(dir);  // a leftover without record (Recover removes these too)
  if (rename(tmp.c_str(), dir.c_str()) != 0) {
    Status s = ErrnoStatus(errno, "move the applied layer into " + dir);
    (void)RemoveTree(tmp);
    return Annotate(s, what);
  }
  Status recorded = EnsureLink(layer.chain_id);
  if (recorded.ok()) recorded = records_.Write(DigestHex(layer.chain_id), ToRecord(layer));
  if (!recorded.ok()) {
    (void)RemoveTree(dir);
    return Annotate(recorded, what);
  }
  layers_[layer.chain_id] = layer;
  log::Info("layer applied", {{"chain_id", layer.chain_id},
                              {"diff_id", layer.diff_id},
                              {"bytes", layer.size},
                              {"entries", applied->entries}});
  return ApplyOutcome{layer, false};
}

Status LayerStore::Pin(const std::string& chain_id, const std::string& holder) {
  if (holder.empty()) return Status(StatusCode::kInvalidArgument, "a pin needs a holder");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = layers_.find(chain_id);
  if (it == layers_.end()) {
    return Status(StatusCode::kNotFound, "layer " + chain_id + " is not present");
  }
  LayerInfo updated = it->second;
  if (std::find(updated.holders.begin(), updated.holders.end(), holder) != updated.holders.end()) {
    return OkStatus();
  }
  updated.holders.push_back(holder);
  CRIA_RETURN_IF_ERROR(records_.Write(DigestHex(chain_id), ToRecord(updated)),
                       "pin layer " + chain_id);
  it->second = updated;
  return OkStatus();
}

Status LayerStore::Unpin(const std::string& chain_id, const std::string& holder) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = layers_.find(chain_id);
  if (it == layers_.end()) return OkStatus();
  LayerInfo updated = it->second;
  auto h = std::find(updated.holders.begin(), updated.holders.end(), holder);
  if (h == updated.holders.end()) return OkStatus();
  updated.holders.erase(h);
  CRIA_RETURN_IF_ERROR(records_.Write(DigestHex(chain_id), ToRecord(updated)),
                       "unpin layer " + chain_id);
  it->second = updated;
  return OkStatus();
}

Result<GcReport> LayerStore::CollectGarbage(const std::set<std::string>& in_use) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> needed;
  auto keep_chain = [&](std::string id) {
    while (!id.empty() && needed.insert(id).second) {
      auto it = layers_.find(id);
      id = it == layers_.end() ? "" : it->second.parent;
    }
  };
  for (const auto& [id, layer] : layers_) {
    if (!layer.holders.empty()) keep_chain(id);
  }
  for (const std::string& id : in_use) keep_chain(id);
  GcReport report;
  for (auto it = layers_.begin(); it != layers_.end();) {
    if (needed.count(it->first) > 0) {
      ++it;
      continue;
    }
    const std::string id = it->first;
    Result<Usage> usage = MeasureTree(LayerDir(id));
    // The record goes first: a crash from here leaves a dir that start-up removes.
    CRIA_RETURN_IF_ERROR(records_.Remove(DigestHex(id)), "garbage-collect layer " + id);
    unlink(LinkPath(id).c_str());
    CRIA_RETURN_IF_ERROR(RemoveTree(LayerDir(id)), "garbage-collect layer " + id);
    report.removed.push_back(id);
    if (usage.ok()) report.bytes_freed += usage->bytes;
    it = layers_.erase(it);
  }
  if (!report.removed.empty()) {
    log::Info("layers garbage-collected",
              {{"removed", report.removed.size()}, {"bytes_freed", report.bytes_freed}});
  }
  return report;
}

}  // namespace cria::storage::store

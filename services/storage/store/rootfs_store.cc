#include "services/storage/store/rootfs_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "libs/ids/object_id.h"
#include "libs/log/log.h"
#include "libs/undo/undo_stack.h"

namespace cria::storage::store {
namespace {

namespace fs = std::filesystem;
constexpr int kRecordVersion = 1;

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return ErrnoStatus(ec.value(), "remove " + path);
  return OkStatus();
}

}  // namespace

Status ValidateContainerId(const std::string& id) { return ValidateObjectId("container id", id); }

RootfsStore::RootfsStore(std::string root, LayerStore& layers, drivers::Driver& driver)
    : root_(std::move(root)),
      layers_(layers),
      driver_(driver),
      records_(root_ + "/container-records") {}

Status RootfsStore::Init() {
  std::error_code ec;
  fs::create_directories(root_ + "/containers", ec);
  if (ec) return ErrnoStatus(ec.value(), "create " + root_ + "/containers");
  chmod((root_ + "/containers").c_str(), 0700);
  return records_.Init();
}

RootfsRecovery RootfsStore::Recover() {
  RootfsRecovery report;
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    report.problems.push_back(MessageOf(loaded.status()));
    return report;
  }
  std::map<std::string, RootfsInfo> found;
  for (const auto& [name, doc] : loaded->records) {
    auto top = doc.FindMember("top_layer");
    auto ro = doc.FindMember("read_only");
    auto version = doc.FindMember("version");
    if (top == doc.MemberEnd() || !top->value.IsString() || ro == doc.MemberEnd() ||
        !ro->value.IsBool() || version == doc.MemberEnd() || !version->value.IsInt() ||
        version->value.GetInt() != kRecordVersion) {
      report.problems.push_back("rootfs record " + name + ": unusable");
      continue;
    }
    RootfsInfo info{name,
                    top->value.GetString(),
                    ro->value.GetBool(),
                    driver_.RootfsPath(Dir(name)),
                    0,
                    driver_.WritablePath(Dir(name)),
                    ""};
    // Still mounted from before the restart: its user will unmount it once.
    if (drivers::IsMountPoint(info.path)) info.mounts = 1;
    auto image = doc.FindMember("image_id");
    if (image != doc.MemberEnd() && image->value.IsString())
      info.image_id = image->value.GetString();
    found[name] = info;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/containers", ec)) {
    std::string id = entry.path().filename();
    if (found.count(id) > 0) continue;
    (void)driver_.Unmount(entry.path());
    if (RemoveTree(entry.path()).ok()) report.removed.push_back(entry.path());
  }
  report.rootfs = static_cast<int>(found.size());
  std::lock_guard<std::mutex> lock(mu_);
  rootfs_ = std::move(found);
  return report;
}

Result<RootfsInfo> RootfsStore::Create(const std::string& id, const std::string& top_layer,
                                       bool read_only, const std::string& image_id) {
  CRIA_RETURN_IF_ERROR(ValidateContainerId(id), "");
  std::vector<std::string> lowers;
  if (!top_layer.empty()) {
    CRIA_ASSIGN_OR_RETURN(lowers, layers_.LowerDirs(top_layer),
                          "create the rootfs of container " + id);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (rootfs_.count(id) > 0) {
    return Status(StatusCode::kAlreadyExists, "container " + id + " already has a rootfs");
  }
  std::string dir = Dir(id);
  (void)RemoveTree(dir);  // a half-made one from a crash
  UndoStack undo;
  if (mkdir(dir.c_str(), 0700) != 0) return ErrnoStatus(errno, "create " + dir);
  undo.Push("remove " + dir, [dir] { return RemoveTree(dir); });
  CRIA_RETURN_IF_ERROR(driver_.CreateRootfs(dir, lowers), "create the rootfs of container " + id);
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  doc.AddMember("version", kRecordVersion, a);
  doc.AddMember("top_layer", rapidjson::Value(top_layer.c_str(), a), a);
  doc.AddMember("read_only", read_only, a);
  doc.AddMember("image_id", rapidjson::Value(image_id.c_str(), a), a);
  CRIA_RETURN_IF_ERROR(records_.Write(id, doc), "record the rootfs of container " + id);
  undo.Commit();
  RootfsInfo info{
      id, top_layer, read_only, driver_.RootfsPath(dir), 0, driver_.WritablePath(dir), image_id};
  rootfs_[id] = info;
  log::Info("rootfs created", {{"container", id}, {"top_layer", top_layer}});
  return info;
}

Result<RootfsInfo> RootfsStore::Mount(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rootfs_.find(id);
  if (it == rootfs_.end())
    return Status(StatusCode::kNotFound, "container " + id + " has no rootfs");
  RootfsInfo& info = it->second;
  if (info.mounts > 0) {
    ++info.mounts;
    return info;
  }
  std::vector<std::string> lowers;
  if (!info.top_layer.empty()) {
    CRIA_ASSIGN_OR_RETURN(lowers, layers_.LowerDirs(info.top_layer), "mount container " + id);
  }
  CRIA_ASSIGN_OR_RETURN(info.path, driver_.Mount(Dir(id), lowers, info.read_only),
                        "container " + id);
  info.mounts = 1;
  return info;
}

Status RootfsStore::Unmount(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rootfs_.find(id);
  if (it == rootfs_.end() || it->second.mounts == 0) return OkStatus();
  if (it->second.mounts > 1) {
    --it->second.mounts;
    return OkStatus();
  }
  CRIA_RETURN_IF_ERROR(driver_.Unmount(Dir(id)), "container " + id);
  it->second.mounts = 0;
  return OkStatus();
}

Status RootfsStore::Remove(const std::string& id) {
  CRIA_RETURN_IF_ERROR(ValidateContainerId(id), "");
  std::lock_guard<std::mutex> lock(mu_);
  CRIA_RETURN_IF_ERROR(driver_.Unmount(Dir(id)), "remove the rootfs of container " + id);
  CRIA_RETURN_IF_ERROR(records_.Remove(id), "remove the rootfs of container " + id);
  rootfs_.erase(id);
  CRIA_RETURN_IF_ERROR(RemoveTree(Dir(id)), "remove the rootfs of container " + id);
  return OkStatus();
}

Result<RootfsInfo> RootfsStore::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rootfs_.find(id);
  if (it == rootfs_.end())
    return Status(StatusCode::kNotFound, "container " + id + " has no rootfs");
  return it->second;
}

std::vector<RootfsInfo> RootfsStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RootfsInfo> out;
  for (const auto& [id, info] : rootfs_) out.push_back(info);
  return out;
}

std::set<std::string> RootfsStore::UsedLayers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> used;
  for (const auto& [id, info] : rootfs_) {
    if (!info.top_layer.empty()) used.insert(info.top_layer);
  }
  return used;
}

}  // namespace cria::storage::store

// Container root filesystems (DESIGN.md section 3):
//   <storage>/containers/<id>/           the driver's dirs (overlay: upper, work, merged)
//   <storage>/container-records/<id>.json  written once the dirs are complete
// Mounts are counted: a second Mount returns the same path, and only the last Unmount
// unmounts. Removing a rootfs never touches its layers.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/storage/drivers/driver.h"
#include "services/storage/store/layer_store.h"

namespace cria::storage::store {

struct RootfsInfo {
  std::string container_id;
  std::string top_layer;  // chain ID; empty for an empty rootfs
  bool read_only = false;
  std::string path;  // where it is (or will be) mounted
  int mounts = 0;
  std::string writable;  // the container's own writable dir
  std::string image_id;  // the image it was made from, as its creator said; may be empty
};

struct RootfsRecovery {
  int rootfs = 0;
  std::vector<std::string> removed;  // half-made dirs
  std::vector<std::string> problems;
};

class RootfsStore {
 public:
  RootfsStore(std::string root, LayerStore& layers, drivers::Driver& driver);

  Status Init();
  // Loads the records; removes dirs without one (a crash mid-create); a rootfs still
  // mounted from before counts as mounted once.
  RootfsRecovery Recover();

  // AlreadyExists for a known id; NotFound when the top layer is not present.
  Result<RootfsInfo> Create(const std::string& container_id, const std::string& top_layer,
                            bool read_only, const std::string& image_id = "");
  Result<RootfsInfo> Mount(const std::string& container_id);
  // One mount fewer; unmounted at zero. A rootfs that is not mounted is OK.
  Status Unmount(const std::string& container_id);
  // Unmounts whatever the count, removes the dirs and the record. Unknown ids are OK.
  Status Remove(const std::string& container_id);
  Result<RootfsInfo> Get(const std::string& container_id) const;
  std::vector<RootfsInfo> List() const;

  std::string ContainersDir() const { return root_ + "/containers"; }

  // The top layers containers use (their chains may not be garbage-collected).
  std::set<std::string> UsedLayers() const;

 private:
  std::string Dir(const std::string& id) const { return root_ + "/containers/" + id; }

  std::string root_;
  LayerStore& layers_;
  drivers::Driver& driver_;
  records::RecordDir records_;
  mutable std::mutex mu_;
  std::map<std::string, RootfsInfo> rootfs_;  // guarded by mu_
};

// Container ids become directory and record names: [A-Za-z0-9_.-], 1 to 128
// characters, not starting with '.'.
Status ValidateContainerId(const std::string& id);

}  // namespace cria::storage::store

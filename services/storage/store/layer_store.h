// The layer store of cria-storage, keyed by chain ID (DESIGN.md section 3):
//   <storage>/layers/<chain hex>/diff/   the layer's files, in the driver's format
//   <storage>/l/<16 hex>                 short link to a diff dir, so that overlay mount
//                                        options of long chains fit in one page
//   <storage>/layer-records/<hex>.json   present only once the layer is complete
//   <storage>/tmp/                       applies in progress; emptied at start
// An apply unpacks into tmp/, renames into layers/ and then writes the record, so a
// crash at any point leaves either no layer or a whole one.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/storage/drivers/driver.h"

namespace cria::storage::store {

struct LayerInfo {
  std::string chain_id;
  std::string diff_id;
  std::string parent;  // chain ID of the layer below; empty for a bottom layer
  uint64_t size = 0;   // bytes of the uncompressed tar stream
  std::string diff_dir;
  std::vector<std::string> holders;  // who pinned it (e.g. "image:sha256:..."); kept by GC
};

struct ApplyRequest {
  std::string parent;            // chain ID; empty for a bottom layer
  std::string blob_path;         // the compressed (or plain) layer blob
  std::string expected_diff_id;  // from the image config; empty: not known
};

struct ApplyOutcome {
  LayerInfo layer;
  bool already_present = false;  // nothing was read: the chain was there
};

struct GcReport {
  std::vector<std::string> removed;  // chain IDs
  uint64_t bytes_freed = 0;
};

struct StoreRecovery {
  std::vector<std::string> removed;   // temp dirs and layer dirs without a record
  std::vector<std::string> problems;  // quarantined records and the like
  int layers = 0;
};

class LayerStore {
 public:
  // `root` is <state_dir>/storage; the driver decides the layer format. A store that
  // cannot make device nodes (no CAP_MKNOD: rootless, some sandboxes) sets
  // allow_devices false, and layers with device entries are refused naming the entry.
  LayerStore(std::string root, drivers::Driver& driver, bool allow_devices = true);

  Status Init();
  // Drops leftovers of applies a crash interrupted and loads the complete layers.
  StoreRecovery Recover();

  // Applies a layer blob on top of `parent`. When the expected diffID is given and its
  // chain is present, returns at once without reading the blob. FailedPrecondition when
  // the parent is not present; the diffID is checked against expected_diff_id.
  Result<ApplyOutcome> Apply(const ApplyRequest& request);

  std::optional<LayerInfo> Get(const std::string& chain_id) const;
  std::vector<LayerInfo> List() const;
  // Pins a layer (and so the chain under it) for `holder`, e.g. an image; idempotent.
  Status Pin(const std::string& chain_id, const std::string& holder);
  // Drops `holder`'s pin; unknown layers and holders are OK.
  Status Unpin(const std::string& chain_id, const std::string& holder);
  // Removes every layer that no pin and none of `in_use` (containers' top layers)
  // needs, directly or as a parent, and reports the bytes freed.
  Result<GcReport> CollectGarbage(const std::set<std::string>& in_use);
  // Bytes and inodes of all layers.
  std::string LayersDir() const { return root_ + "/layers"; }

  // The dirs a rootfs on `chain_id` stacks, top layer first (short link paths);
  // NotFound when a layer of the chain is missing.
  Result<std::vector<std::string>> LowerDirs(const std::string& chain_id) const;

 private:
  std::string LayerDir(const std::string& chain_id) const;
  std::string LinkPath(const std::string& chain_id) const;
  Status EnsureLink(const std::string& chain_id) const;

  std::string root_;
  drivers::Driver& driver_;
  bool allow_devices_;
  records::RecordDir records_;
  mutable std::mutex mu_;
  std::map<std::string, LayerInfo> layers_;  // guarded by mu_
};

}  // namespace cria::storage::store

// The image store of cria-image (DESIGN.md section 3):
//   <state_dir>/image/images/<id hex>.json   one record per image (image_record.h)
//   <state_dir>/image/blobs/sha256/<hex>     the config and manifest of each image
//   <state_dir>/image/tmp/                   downloads of pulls in progress; emptied at start
// Blobs are written before the record that names them, so a crash leaves no record
// without its blobs; blobs no record names are removed at start. A tag names one image:
// storing an image under a tag another image had leaves that one untagged ("<none>"), as
// CRI-O does, for the kubelet's image GC to remove.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/records/record_dir.h"
#include "libs/status/status.h"
#include "services/image/store/image_record.h"

namespace cria::image::store {

struct StoreRecovery {
  int images = 0;
  std::vector<std::string> removed;   // leftover downloads and unreferenced blobs
  std::vector<std::string> problems;  // quarantined records
};

class ImageStore {
 public:
  explicit ImageStore(std::string root);  // <state_dir>/image

  Status Init();
  StoreRecovery Load();

  // Stores `record` with its config and manifest bodies; a record with the same id is
  // replaced, keeping the names it had that `record` lacks.
  Status Put(ImageRecord record, std::string_view config, std::string_view manifest);
  // Removes the image's record and blobs. Unknown ids are OK.
  Status Remove(const std::string& id);
  // Removes one tag or digest name; the image stays.
  Status RemoveName(const std::string& id, const std::string& name);

  // By id: "sha256:<hex>", "<hex>" or a unique prefix of the hex of at least 3 digits.
  // NotFound, or InvalidArgument naming the prefix when it matches several images.
  Result<ImageRecord> FindById(std::string_view text) const;
  // By a canonical tag ("docker.io/library/busybox:latest") or name@digest.
  std::optional<ImageRecord> FindByName(const std::string& name) const;
  std::optional<ImageRecord> Get(const std::string& id) const;
  std::vector<ImageRecord> List() const;

  // The image's config blob (JSON).
  Result<std::string> ReadConfig(const std::string& id) const;
  Result<std::string> ReadManifest(const ImageRecord& record) const;

  // A fresh directory under tmp/ for one pull's downloads.
  Result<std::string> MakeTempDir(const std::string& hint) const;

 private:
  std::string BlobPath(const std::string& digest) const;
  Status WriteRecord(const ImageRecord& record);  // mu_ held

  std::string root_;
  records::RecordDir records_;
  mutable std::mutex mu_;
  std::map<std::string, ImageRecord> images_;  // by id; guarded by mu_
};

}  // namespace cria::image::store

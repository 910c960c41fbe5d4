// cria-image's calls to cria-storage (cria.storage.v1), as Status values. Garbage
// collection and the apply-then-pin of a pulled layer exclude each other, so a layer a
// pull has just applied cannot be collected before the pull pins it (cria-image is
// storage's one GC caller; docs/storage.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/status/status.h"

namespace cria::image::pull {

struct AppliedLayer {
  std::string chain_id;
  std::string diff_id;
  uint64_t size = 0;
};

class StorageLink {
 public:
  explicit StorageLink(std::shared_ptr<grpc::Channel> channel);

  // Applies `blob_path` on `parent` and pins the result for `holder`, with no GC between.
  Result<AppliedLayer> ApplyAndPin(const std::string& parent, const std::string& blob_path,
                                   const std::string& expected_diff_id, const std::string& holder);
  // Pins `chain_id` for `holder` if the layer is present: true when pinned, false when
  // the layer is absent.
  Result<bool> PinIfPresent(const std::string& chain_id, const std::string& holder);
  Status Unpin(const std::string& chain_id, const std::string& holder);
  // Uncompressed size of a present layer.
  Result<uint64_t> LayerSize(const std::string& chain_id);
  // `timeout`: how long to wait for a cria-storage that is not up.
  Result<std::vector<storage::v1::Pin>> ListPins(
      const std::string& holder_prefix,
      std::chrono::milliseconds timeout = std::chrono::seconds(60));
  Result<std::vector<storage::v1::RootfsEntry>> ListRootfs();
  // Drops every pin of `holder` (a finished or failed pull).
  Status UnpinHolder(const std::string& holder);
  Result<storage::v1::GarbageCollectResponse> CollectGarbage();

 private:
  std::unique_ptr<storage::v1::Storage::Stub> stub_;
  std::shared_mutex gc_mu_;  // exclusive: GC; shared: apply + pin
};

}  // namespace cria::image::pull

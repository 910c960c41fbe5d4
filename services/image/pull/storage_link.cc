#include "services/image/pull/storage_link.h"

#include <mutex>

#include "libs/rpc/client.h"
#include "libs/status/grpc_status.h"

namespace cria::image::pull {
namespace {

using namespace std::chrono_literals;

// Short calls wait this long for a cria-storage that is restarting.
constexpr std::chrono::milliseconds kCallTimeout = 60s;
// Unpacking a big layer takes minutes on a slow disk.
constexpr std::chrono::milliseconds kApplyTimeout = 60min;

Status Call(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return OkStatus();
  Status s = FromGrpc(status);
  return Status(s.code(), "cria-storage: " + what + ": " + std::string(s.message()));
}

}  // namespace

StorageLink::StorageLink(std::shared_ptr<grpc::Channel> channel)
    : stub_(storage::v1::Storage::NewStub(std::move(channel))) {}

Result<AppliedLayer> StorageLink::ApplyAndPin(const std::string& parent,
                                              const std::string& blob_path,
                                              const std::string& expected_diff_id,
                                              const std::string& holder) {
  std::shared_lock<std::shared_mutex> lock(gc_mu_);
  storage::v1::ApplyLayerRequest request;
  request.set_parent_chain_id(parent);
  request.set_blob_path(blob_path);
  request.set_expected_diff_id(expected_diff_id);
  storage::v1::ApplyLayerResponse response;
  auto ctx = rpc::NewContext(kApplyTimeout, true);
  CRIA_RETURN_IF_ERROR(
      Call(stub_->ApplyLayer(ctx.get(), request, &response), "apply layer " + expected_diff_id),
      "");
  storage::v1::PinLayerRequest pin;
  pin.set_chain_id(response.chain_id());
  pin.set_holder(holder);
  storage::v1::PinLayerResponse pinned;
  auto pin_ctx = rpc::NewContext(kCallTimeout, true);
  CRIA_RETURN_IF_ERROR(
      Call(stub_->PinLayer(pin_ctx.get(), pin, &pinned), "pin layer " + response.chain_id()), "");
  return AppliedLayer{response.chain_id(), response.diff_id(), response.size()};
}

Result<bool> StorageLink::PinIfPresent(const std::string& chain_id, const std::string& holder) {
  std::shared_lock<std::shared_mutex> lock(gc_mu_);
  storage::v1::PinLayerRequest pin;
  pin.set_chain_id(chain_id);
  pin.set_holder(holder);
  storage::v1::PinLayerResponse pinned;
  auto ctx = rpc::NewContext(kCallTimeout, true);
  grpc::Status s = stub_->PinLayer(ctx.get(), pin, &pinned);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return false;
  CRIA_RETURN_IF_ERROR(Call(s, "pin layer " + chain_id), "");
  return true;
}

Status StorageLink::Unpin(const std::string& chain_id, const std::string& holder) {
  storage::v1::UnpinLayerRequest request;
  request.set_chain_id(chain_id);
  request.set_holder(holder);
  storage::v1::UnpinLayerResponse response;
  auto ctx = rpc::NewContext(kCallTimeout, true);
  return Call(stub_->UnpinLayer(ctx.get(), request, &response), "unpin layer " + chain_id);
}

Result<uint64_t> StorageLink::LayerSize(const std::string& chain_id) {
  storage::v1::LayerStatusRequest request;
  request.set_chain_id(chain_id);
  storage::v1::LayerStatusResponse response;
  auto ctx = rpc::NewContext(kCallTimeout, true);
  CRIA_RETURN_IF_ERROR(
      Call(stub_->LayerStatus(ctx.get(), request, &response), "status of layer " + chain_id), "");
  if (!response.present()) {
    return Status(StatusCode::kNotFound, "cria-storage: layer " + chain_id + " is not present");
  }
  return response.size();
}

Result<std::vector<storage::v1::Pin>> StorageLink::ListPins(const std::string& holder_prefix,
                                                            std::chrono::milliseconds timeout) {
  storage::v1::ListPinsRequest request;
  request.set_holder_prefix(holder_prefix);
  storage::v1::ListPinsResponse response;
  auto ctx = rpc::NewContext(timeout, true);
  CRIA_RETURN_IF_ERROR(Call(stub_->ListPins(ctx.get(), request, &response), "list pins"), "");
  return std::vector<storage::v1::Pin>(response.pins().begin(), response.pins().end());
}

Result<std::vector<storage::v1::RootfsEntry>> StorageLink::ListRootfs() {
  storage::v1::ListRootfsResponse response;
  auto ctx = rpc::NewContext(kCallTimeout, true);
  CRIA_RETURN_IF_ERROR(Call(stub_->ListRootfs(ctx.get(), {}, &response), "list rootfs"), "");
  return std::vector<storage::v1::RootfsEntry>(response.rootfs().begin(), response.rootfs().end());
}

Status StorageLink::UnpinHolder(const std::string& holder) {
  CRIA_ASSIGN_OR_RETURN(std::vector<storage::v1::Pin> pins, ListPins(holder), "");
  Status first = OkStatus();
  for (const auto& pin : pins) {
    if (pin.holder() != holder) continue;
    Status s = Unpin(pin.chain_id(), holder);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Result<storage::v1::GarbageCollectResponse> StorageLink::CollectGarbage() {
  std::unique_lock<std::shared_mutex> lock(gc_mu_);
  storage::v1::GarbageCollectResponse response;
  auto ctx = rpc::NewContext(kApplyTimeout, true);
  CRIA_RETURN_IF_ERROR(
      Call(stub_->GarbageCollect(ctx.get(), {}, &response), "garbage-collect layers"), "");
  return response;
}

}  // namespace cria::image::pull

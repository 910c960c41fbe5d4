#include "services/runtime/clients/image_storage_client.h"

#include <chrono>

#include "libs/rpc/client.h"
#include "libs/status/grpc_status.h"

namespace cria::runtime::clients {
namespace {

constexpr std::chrono::seconds kTimeout{120};

Status From(const grpc::Status& status, const std::string& who, const std::string& what) {
  if (status.ok()) return OkStatus();
  Status s = FromGrpc(status);
  return Status(s.code(), who + ": " + what + ": " + std::string(s.message()));
}

}  // namespace

ImageClient::ImageClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(image::v1::Image::NewStub(std::move(channel))) {}

Result<image::v1::ResolveResponse> ImageClient::Resolve(const std::string& image) {
  image::v1::ResolveRequest request;
  request.set_image(image);
  image::v1::ResolveResponse response;
  auto ctx = rpc::NewContext(kTimeout, true);
  CRIA_RETURN_IF_ERROR(
      From(stub_->Resolve(ctx.get(), request, &response), "cria-image", "resolve " + image), "");
  return response;
}

StorageClient::StorageClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(storage::v1::Storage::NewStub(std::move(channel))) {}

Result<std::string> StorageClient::CreateAndMount(const std::string& container_id,
                                                  const std::string& top_layer, bool read_only,
                                                  const std::string& image_id) {
  storage::v1::CreateRootfsRequest create;
  create.set_container_id(container_id);
  create.set_top_layer(top_layer);
  create.set_read_only(read_only);
  create.set_image_id(image_id);
  storage::v1::CreateRootfsResponse created;
  auto ctx = rpc::NewContext(kTimeout, true);
  CRIA_RETURN_IF_ERROR(From(stub_->CreateRootfs(ctx.get(), create, &created), "cria-storage",
                            "create the rootfs of " + container_id),
                       "");
  Result<std::string> mounted = Mount(container_id);
  if (!mounted.ok()) (void)Remove(container_id);
  return mounted;
}

Result<std::string> StorageClient::Mount(const std::string& container_id) {
  storage::v1::MountRootfsRequest request;
  request.set_container_id(container_id);
  storage::v1::MountRootfsResponse response;
  auto ctx = rpc::NewContext(kTimeout, true);
  CRIA_RETURN_IF_ERROR(From(stub_->MountRootfs(ctx.get(), request, &response), "cria-storage",
                            "mount the rootfs of " + container_id),
                       "");
  return response.path();
}

Status StorageClient::Remove(const std::string& container_id) {
  storage::v1::RemoveRootfsRequest request;
  request.set_container_id(container_id);
  storage::v1::RemoveRootfsResponse response;
  auto ctx = rpc::NewContext(kTimeout, true);
  return From(stub_->RemoveRootfs(ctx.get(), request, &response), "cria-storage",
              "remove the rootfs of " + container_id);
}

Result<std::vector<std::string>> StorageClient::ListRootfs() {
  storage::v1::ListRootfsRequest request;
  storage::v1::ListRootfsResponse response;
  auto ctx = rpc::NewContext(kTimeout, false);
  CRIA_RETURN_IF_ERROR(From(stub_->ListRootfs(ctx.get(), request, &response), "cria-storage",
                            "list the container root filesystems"),
                       "");
  std::vector<std::string> ids;
  for (const auto& entry : response.rootfs()) ids.push_back(entry.container_id());
  return ids;
}

}  // namespace cria::runtime::clients

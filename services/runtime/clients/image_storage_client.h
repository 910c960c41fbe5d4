// cria-runtime's calls to cria-image (what an image gives a container) and cria-storage
// (container root filesystems).
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "cria/image/v1/image.grpc.pb.h"
#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/status/status.h"

namespace cria::runtime::clients {

class ImageClient {
 public:
  explicit ImageClient(std::shared_ptr<grpc::Channel> channel);
  // NotFound naming the image when it is not stored.
  Result<image::v1::ResolveResponse> Resolve(const std::string& image);

 private:
  std::unique_ptr<image::v1::Image::Stub> stub_;
};

class StorageClient {
 public:
  explicit StorageClient(std::shared_ptr<grpc::Channel> channel);
  // Creates the rootfs on `top_layer` and mounts it: its path.
  Result<std::string> CreateAndMount(const std::string& container_id, const std::string& top_layer,
                                     bool read_only, const std::string& image_id);
  // Mounts an existing rootfs again (after a restart): its path.
  Result<std::string> Mount(const std::string& container_id);
  // Unmounts and removes it; unknown containers are OK.
  Status Remove(const std::string& container_id);
  // The container ids cria-storage holds a rootfs for. Does not wait for cria-storage:
  // Unavailable while it is down.
  Result<std::vector<std::string>> ListRootfs();

 private:
  std::unique_ptr<storage::v1::Storage::Stub> stub_;
};

}  // namespace cria::runtime::clients

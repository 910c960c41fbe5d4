// Test support for cria-image: a real docker-registry on 127.0.0.1 and the storage, image
// and gateway daemons in a temp root, with typed stubs and the CRI calls tests make.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.grpc.pb.h"
#include "cria/storage/v1/storage.grpc.pb.h"
#include "services/image/registry/test_registry.h"
#include "tests/support/stack.h"

namespace cria::testing {

class ImageEnv {
 public:
  // `image_yaml`: keys of the image section ("  key: value\n" lines), if any.
  explicit ImageEnv(const std::string& image_yaml = "",
                    std::optional<image::registry::Credentials> htpasswd = std::nullopt);

  image::registry::testing::TestRegistry& registry() { return registry_; }
  Stack& stack() { return stack_; }
  // "127.0.0.1:<port>/<repo>:<tag>".
  std::string Ref(const std::string& repo, const std::string& tag) const;

  // CRI PullImage through the gateway; `image_ref` gets the answer.
  grpc::Status Pull(const std::string& image, std::string* image_ref = nullptr,
                    const runtime::v1::AuthConfig* auth = nullptr);
  std::vector<runtime::v1::Image> List(const std::string& filter = "");
  // ImageStatus; `image` unset when absent.
  grpc::Status Status(const std::string& image, runtime::v1::ImageStatusResponse* response,
                      bool verbose = false);
  grpc::Status Remove(const std::string& image);
  grpc::Status Resolve(const std::string& image, image::v1::ResolveResponse* response);
  std::vector<storage::v1::Pin> Pins(const std::string& prefix = "");
  bool LayerPresent(const std::string& chain_id);

  // After a restart of a daemon: fresh stubs.
  void Reconnect();

  runtime::v1::ImageService::Stub& cri() { return *cri_; }
  storage::v1::Storage::Stub& storage() { return *storage_; }

 private:
  image::registry::testing::TestRegistry registry_;
  Stack stack_;
  std::unique_ptr<runtime::v1::ImageService::Stub> cri_;
  std::unique_ptr<image::v1::Image::Stub> image_;
  std::unique_ptr<storage::v1::Storage::Stub> storage_;
};

// Seconds from now as a deadline for a ClientContext.
std::chrono::system_clock::time_point In(int seconds);

}  // namespace cria::testing

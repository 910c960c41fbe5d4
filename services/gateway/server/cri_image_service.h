// The one CRI ImageService call the gateway answers itself: ImageFsInfo, from
// cria-storage, which owns the layers (DESIGN.md section 1). Every other ImageService
// method is released to CriRouter, which forwards it to cria-image.
#pragma once

#include "cri/runtime/v1/cri_api.h"
#include "cria/storage/v1/storage.grpc.pb.h"
#include "libs/config/config.h"
#include "libs/rpc/unimplemented.h"
#include "services/gateway/backends/backend.h"

namespace cria::gateway {

class CriImageService : public rpc::PartialService<::runtime::v1::ImageService::CallbackService> {
 public:
  CriImageService(const config::Config& config, Backends& backends);

  grpc::ServerUnaryReactor* ImageFsInfo(grpc::CallbackServerContext* context,
                                        const ::runtime::v1::ImageFsInfoRequest* request,
                                        ::runtime::v1::ImageFsInfoResponse* response) override;

 private:
  const config::Config& config_;
  Backends& backends_;
  std::unique_ptr<storage::v1::Storage::Stub> storage_;
};

}  // namespace cria::gateway

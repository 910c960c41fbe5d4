// cria.image.v1.ImagePull: a pull that streams its progress (criactl pull's display),
// routed by the gateway from the CRI socket. The same pull as CRI PullImage, shared
// with it when both ask for the same image.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "cria/image/v1/image.grpc.pb.h"
#include "libs/rpc/unimplemented.h"
#include "services/image/manager/image_manager.h"

namespace cria::image::server {

class PullService : public rpc::PartialService<v1::ImagePull::CallbackService> {
 public:
  PullService(manager::ImageManager& images, boost::asio::thread_pool& workers);

  grpc::ServerWriteReactor<v1::PullEvent>* Pull(grpc::CallbackServerContext* context,
                                                const v1::PullRequest* request) override;

 private:
  manager::ImageManager& images_;
  boost::asio::thread_pool& workers_;
};

}  // namespace cria::image::server

// A backend daemon the gateway routes to: its name, socket, channel and generic stub.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "cria/gateway/v1/gateway.pb.h"
#include "libs/config/config.h"

namespace cria::gateway {

class Backend {
 public:
  // `info_method` is the backend's ServiceInfo rpc, e.g. "/cria.image.v1.Image/ServiceInfo".
  Backend(std::string name, std::string socket, std::string info_method);

  const std::string& name() const { return name_; }
  const std::string& socket() const { return socket_; }
  std::string target() const { return "unix:" + socket_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  grpc::GenericStub& stub() { return stub_; }

  // True when the channel is connected now (no call needed to find out).
  bool Connected() const;

  // Asks the backend who it is (fail-fast, within `timeout`); `done` runs on a gRPC
  // thread with the backend's description.
  void Describe(std::chrono::milliseconds timeout,
                std::function<void(v1::Backend description)> done);

 private:
  std::string name_;
  std::string socket_;
  std::string info_method_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

// The four backends, made from the configuration's socket paths.
struct Backends {
  explicit Backends(const config::Config& config);

  Backend runtime;
  Backend image;
  Backend storage;
  Backend network;

  std::vector<Backend*> All() { return {&runtime, &image, &storage, &network}; }
};

}  // namespace cria::gateway

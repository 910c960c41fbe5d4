// The backends cria-runtime needs to create containers (cria-image and cria-storage),
// and whether each answers now. Typed clients for their APIs grow here with issues 5/6.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "libs/status/status.h"

namespace cria::runtime::clients {

struct Dependency {
  std::string name;    // "cria-image"
  std::string socket;  // its socket path
  std::shared_ptr<grpc::Channel> channel;
};

struct DependencyState {
  std::string name;
  std::string socket;
  Status status;  // OK when it answered its health check
};

class Dependencies {
 public:
  explicit Dependencies(const config::Config& config);

  // Health-checks every dependency in parallel; `done` gets one state per dependency, in
  // a fixed order, on a gRPC thread.
  void Check(std::chrono::milliseconds timeout,
             std::function<void(std::vector<DependencyState>)> done) const;

 private:
  std::vector<Dependency> deps_;
};

}  // namespace cria::runtime::clients

#include "services/runtime/clients/dependencies.h"

#include "libs/rpc/client.h"
#include "libs/rpc/join.h"

namespace cria::runtime::clients {

Dependencies::Dependencies(const config::Config& config) {
  for (config::Daemon d : {config::Daemon::kImage, config::Daemon::kStorage}) {
    std::string socket = config::SocketPath(config, d);
    deps_.push_back({config::DaemonName(d), socket, rpc::UnixChannel(socket)});
  }
}

void Dependencies::Check(std::chrono::milliseconds timeout,
                         std::function<void(std::vector<DependencyState>)> done) const {
  auto states = std::make_shared<std::vector<DependencyState>>();
  for (const Dependency& d : deps_) states->push_back({d.name, d.socket, OkStatus()});
  auto join = rpc::Join::Create(deps_.size(),
                                [states, done = std::move(done)] { done(std::move(*states)); });
  for (size_t i = 0; i < deps_.size(); ++i) {
    // Each callback writes only its own slot; the join orders them before `done`.
    rpc::CheckHealthAsync(deps_[i].channel, timeout, false, [states, join, i](Status s) {
      (*states)[i].status = s;
      join->Arrive();
    });
  }
}

}  // namespace cria::runtime::clients

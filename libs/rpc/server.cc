#include "libs/rpc/server.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace cria::rpc {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) continue;  // nothing to reload yet; do not die of it
    return sig;
  }
}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

void Server::AddService(grpc::Service* service) { services_.push_back(service); }

void Server::SetGenericService(grpc::CallbackGenericService* service) { generic_ = service; }

Status Server::Start(const SocketOptions& socket) {
  CRIA_ASSIGN_OR_RETURN(claim_, ClaimSocketPath(socket.path), "");
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket.path, grpc::InsecureServerCredentials());
  for (grpc::Service* s : services_) builder.RegisterService(s);
  builder.RegisterCallbackGenericService(generic_);
  // The socket is created by BuildAndStart: a tight umask keeps it private until the
  // configured mode is applied.
  mode_t old_umask = umask(0177);
  server_ = builder.BuildAndStart();
  umask(old_umask);
  if (server_ == nullptr) {
    return Status(StatusCode::kUnavailable,
                  "start gRPC server on unix:" + socket.path + " (see the gRPC error above)");
  }
  CRIA_RETURN_IF_ERROR(ApplySocketPermissions(socket), "");
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(true);
  return OkStatus();
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  if (server_ == nullptr || stopped_) return;
  stopped_ = true;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  unlink(claim_.path().c_str());
}

}  // namespace cria::rpc

// A gRPC server on a unix socket with the lifecycle every cria daemon shares: claim the
// socket path, serve with the standard health service, and on SIGTERM/SIGINT stop
// taking calls and give calls in flight a bounded grace period.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "libs/rpc/socket.h"
#include "libs/rpc/unimplemented.h"
#include "libs/status/status.h"

namespace cria::rpc {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and every thread it starts
// afterwards, so that WaitForShutdownSignal receives them. Call first thing in main.
void BlockShutdownSignals();

// Waits until SIGTERM or SIGINT arrives; returns its number.
int WaitForShutdownSignal();

class Server {
 public:
  // `daemon_name` names this daemon in UNIMPLEMENTED answers.
  explicit Server(std::string daemon_name) : fallback_(std::move(daemon_name)) {}
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Services must outlive the server. Register before Start.
  void AddService(grpc::Service* service);
  // Receives every call no registered service handles. Default: an
  // UnimplementedFallback naming this daemon and the method.
  void SetGenericService(grpc::CallbackGenericService* service);

  // Claims the socket, starts serving and marks the health service SERVING.
  Status Start(const SocketOptions& socket);
  // Health NOT_SERVING, refuse new calls, wait up to `grace` for calls in flight, then
  // cancel the rest; removes the socket. Safe to call twice.
  void Shutdown(std::chrono::milliseconds grace);

  grpc::Server* grpc_server() { return server_.get(); }
  const std::string& socket_path() const { return claim_.path(); }

 private:
  std::vector<grpc::Service*> services_;
  UnimplementedFallback fallback_;
  grpc::CallbackGenericService* generic_ = &fallback_;
  std::unique_ptr<grpc::Server> server_;
  SocketClaim claim_;
  bool stopped_ = false;
};

}  // namespace cria::rpc

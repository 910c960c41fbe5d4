#include "services/gateway/proxy/forward.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include <memory>
#include <mutex>

#include "libs/log/log.h"
#include "libs/rpc/client.h"
#include "services/gateway/proxy/deadline.h"

namespace cria::gateway {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

// Shared by both shapes: read the request, make sure the backend is there, then Call().
class ForwardBase : public grpc::ServerGenericBidiReactor {
 public:
  ForwardBase(Backend& backend, grpc::GenericCallbackServerContext* ctx, milliseconds max_wait)
      : backend_(backend), ctx_(ctx), max_wait_(max_wait), started_(Steady::now()) {}

  void Begin() { StartRead(&request_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The caller half-closed or went away before sending its request.
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request message received"));
      return;
    }
    if (NoDeadline(ctx_->deadline()) && !backend_.Connected()) {
      // No deadline to bound the call itself (a long pull, an event stream): wait for the
      // backend first, bounded by gateway.backend_wait_timeout, then call without one.
      rpc::CheckHealthAsync(backend_.channel(), max_wait_, true, [this](Status s) {
        if (s.ok()) {
          Call();
        } else {
          Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              backend_.name() + " is unavailable at " + backend_.target() +
                                  ": waited " + std::to_string(Waited().count()) +
                                  " ms for it (gateway.backend_wait_timeout): " + MessageOf(s)));
        }
      });
      return;
    }
    Call();
  }

  void OnDone() override { delete this; }

 protected:
  virtual void Call() = 0;

  // A client context bound to this call: cancelled with it, with its deadline less the
  // gateway's margin, waiting for the backend instead of failing fast.
  std::unique_ptr<grpc::ClientContext> NewClientContext() {
    auto client = grpc::ClientContext::FromCallbackServerContext(*ctx_);
    client->set_wait_for_ready(true);
    if (!NoDeadline(ctx_->deadline())) {
      client->set_deadline(BackendDeadline(ctx_->deadline(), Clock::now()));
    }
    return client;
  }

  void FinishWithBackendStatus(const grpc::Status& status) {
    if (status.ok()) {
      Finish(status);
      return;
    }
    grpc::Status mapped =
        BackendFailure(status, backend_.name(), backend_.target(), backend_.Connected(), Waited());
    if (mapped.error_code() == grpc::StatusCode::UNAVAILABLE) {
      log::Warn("backend unavailable", {{"backend", backend_.name()},
                                        {"method", ctx_->method()},
                                        {"error", mapped.error_message()}});
    }
    Finish(mapped);
  }

  milliseconds Waited() const {
    return std::chrono::duration_cast<milliseconds>(Steady::now() - started_);
  }

  Backend& backend_;
  grpc::GenericCallbackServerContext* ctx_;
  milliseconds max_wait_;
  Steady::time_point started_;
  grpc::ByteBuffer request_;
  std::unique_ptr<grpc::ClientContext> client_ctx_;
};

class UnaryForward : public ForwardBase {
 public:
  using ForwardBase::ForwardBase;

 private:
  void Call() override {
    client_ctx_ = NewClientContext();
    backend_.stub().UnaryCall(client_ctx_.get(), ctx_->method(), {}, &request_, &response_,
                              [this](grpc::Status s) {
                                if (s.ok()) {
                                  StartWriteAndFinish(&response_, grpc::WriteOptions(), s);
                                } else {
                                  FinishWithBackendStatus(s);
                                }
                              });
  }

  grpc::ByteBuffer response_;
};

// One request, then every response the backend streams, relayed one at a time (the next
// is read from the backend only after the caller took the previous one). The backend's
// final status is held back while a write to the caller is still in flight.
class StreamForward : public ForwardBase {
 public:
  StreamForward(Backend& backend, grpc::GenericCallbackServerContext* ctx, milliseconds max_wait)
      : ForwardBase(backend, ctx, max_wait), client_(this) {}

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    write_pending_ = false;
    if (backend_done_) {
      lock.unlock();
      FinishWithBackendStatus(backend_status_);
      return;
    }
    lock.unlock();
    if (ok) {
      client_.StartRead(&response_);
    } else {
      client_ctx_->TryCancel();  // the caller is gone; the backend call ends with CANCELLED
    }
  }

 private:
  class Client : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit Client(StreamForward* owner) : owner_(owner) {}
    void OnReadDone(bool ok) override {
      if (!ok) return;  // the stream ended; OnDone brings the status
      {
        std::lock_guard<std::mutex> lock(owner_->mu_);
        owner_->write_pending_ = true;
      }
      owner_->StartWrite(&owner_->response_);
    }
    void OnDone(const grpc::Status& s) override {
      std::unique_lock<std::mutex> lock(owner_->mu_);
      if (owner_->write_pending_) {
        owner_->backend_done_ = true;
        owner_->backend_status_ = s;
        return;  // OnWriteDone finishes
      }
      lock.unlock();
      owner_->FinishWithBackendStatus(s);
    }

   private:
    StreamForward* owner_;
  };

  void Call() override {
    client_ctx_ = NewClientContext();
    backend_.stub().PrepareBidiStreamingCall(client_ctx_.get(), ctx_->method(), {}, &client_);
    client_.StartWrite(&request_);
    client_.StartWritesDone();
    client_.StartRead(&response_);
    client_.StartCall();
  }

  Client client_;
  grpc::ByteBuffer response_;
  std::mutex mu_;
  bool write_pending_ = false;   // guarded by mu_
  bool backend_done_ = false;    // guarded by mu_
  grpc::Status backend_status_;  // guarded by mu_
};

}  // namespace

grpc::ServerGenericBidiReactor* Forward(Backend& backend, grpc::GenericCallbackServerContext* ctx,
                                        CallShape shape, milliseconds max_wait) {
  ForwardBase* reactor;
  if (shape == CallShape::kServerStreaming) {
    reactor = new StreamForward(backend, ctx, max_wait);
  } else {
    reactor = new UnaryForward(backend, ctx, max_wait);
  }
  reactor->Begin();
  return reactor;
}

}  // namespace cria::gateway

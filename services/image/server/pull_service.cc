#include "services/image/server/pull_service.h"

#include <boost/asio/post.hpp>
#include <mutex>
#include <optional>

#include "libs/status/grpc_status.h"
#include "services/image/server/pull_request.h"

namespace cria::image::server {
namespace {

// Sends progress as the pull runs: one write in flight; a newer snapshot replaces one
// still waiting (a display needs the latest, not every step); the last event is the
// outcome. The pull runs on a worker; the reactor is deleted by gRPC after OnDone.
class PullWriter : public grpc::ServerWriteReactor<v1::PullEvent> {
 public:
  void Progress(const v1::PullProgress& progress) {
    v1::PullEvent event;
    *event.mutable_progress() = progress;
    Queue(std::move(event), std::nullopt);
  }
  void Done(const Result<store::ImageRecord>& outcome) {
    if (!outcome.ok()) return Queue(std::nullopt, ToGrpc(outcome.status()));
    v1::PullEvent event;
    event.mutable_done()->set_image_ref(outcome->id);
    Queue(std::move(event), grpc::Status::OK);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    // A client that went away gets no more writes; the worker's Done still finishes the
    // call (the only Finish, so this reactor outlives the worker's last use of it).
    if (!ok) broken_ = true;
    StartNextLocked();
  }
  void OnDone() override { delete this; }

 private:
  void Queue(std::optional<v1::PullEvent> event, std::optional<grpc::Status> finish) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (event && !broken_) pending_ = std::move(event);
    if (finish) finish_ = std::move(finish);
    if (!writing_) StartNextLocked();
  }
  void StartNextLocked() {
    if (writing_) return;
    if (pending_ && !broken_) {
      current_ = std::move(*pending_);
      pending_.reset();
      writing_ = true;
      StartWrite(&current_);
    } else if (finish_ && !finished_) {
      finished_ = true;
      Finish(*finish_);
    }
  }

  std::mutex mu_;
  v1::PullEvent current_;
  std::optional<v1::PullEvent> pending_;
  std::optional<grpc::Status> finish_;
  bool writing_ = false, finished_ = false, broken_ = false;
};

}  // namespace

PullService::PullService(manager::ImageManager& images, boost::asio::thread_pool& workers)
    : images_(images), workers_(workers) {
  ServeOnly("cria.image.v1.ImagePull", {"Pull"});
}

grpc::ServerWriteReactor<v1::PullEvent>* PullService::Pull(grpc::CallbackServerContext* context,
                                                           const v1::PullRequest* request) {
  auto* writer = new PullWriter();
  boost::asio::post(workers_, [this, context, request, writer] {
    Result<pull::PullSpec> spec = SpecFromPull(*request);
    if (!spec.ok()) return writer->Done(spec.status());
    writer->Done(images_.Pull(
        *spec, [writer](const v1::PullProgress& p) { writer->Progress(p); },
        [context] { return context->IsCancelled(); }));
  });
  return writer;
}

}  // namespace cria::image::server

// RuntimeService.Status: RuntimeReady, the runtime handlers and features from cria-runtime,
// NetworkReady from cria-network, asked in parallel and each bounded by
// gateway.status_timeout. A backend that does not answer makes its condition false with a
// reason and a message naming it; with verbose, info["backends"] says what each backend
// reports about itself.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <memory>

#include "libs/rpc/join.h"
#include "services/gateway/proxy/deadline.h"
#include "services/gateway/server/cri_service.h"

namespace cria::gateway {
namespace {

namespace cri = ::runtime::v1;

struct StatusCall {
  grpc::ServerUnaryReactor* reactor;
  cri::StatusResponse* response;
  bool verbose;
  std::unique_ptr<grpc::ClientContext> runtime_ctx, network_ctx;
  cri::StatusRequest runtime_req;
  cri::StatusResponse runtime_resp;
  grpc::Status runtime_status;
  network::v1::NetworkStatusRequest network_req;
  network::v1::NetworkStatusResponse network_resp;
  grpc::Status network_status;
  v1::BackendsResponse backends;  // verbose only
};

std::unique_ptr<grpc::ClientContext> BoundedContext(Clock::time_point deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(deadline);
  ctx->set_wait_for_ready(false);  // a backend known to be down is reported at once
  return ctx;
}

void Assemble(StatusCall& call, const Backend& runtime, const Backend& network) {
  cri::RuntimeStatus* status = call.response->mutable_status();
  bool have_runtime_ready = false;
  if (call.runtime_status.ok()) {
    for (const auto& c : call.runtime_resp.status().conditions()) {
      if (c.type() == "RuntimeReady") have_runtime_ready = true;
      *status->add_conditions() = c;
    }
    if (call.verbose) {
      for (const auto& [k, v] : call.runtime_resp.info()) (*call.response->mutable_info())[k] = v;
    }
    // What the runtime supports is cria-runtime's to say.
    *call.response->mutable_runtime_handlers() = call.runtime_resp.runtime_handlers();
    if (call.runtime_resp.has_features()) {
      *call.response->mutable_features() = call.runtime_resp.features();
    }
  }
  if (!have_runtime_ready) {
    auto* c = status->add_conditions();
    c->set_type("RuntimeReady");
    c->set_status(false);
    c->set_reason("RuntimeServiceUnavailable");
    c->set_message(runtime.name() + " does not answer on " + runtime.target() + ": " +
                   (call.runtime_status.ok() ? "no RuntimeReady condition in its status"
                                             : call.runtime_status.error_message()));
  }
  auto* net = status->add_conditions();
  net->set_type("NetworkReady");
  if (call.network_status.ok()) {
    net->set_status(call.network_resp.ready());
    net->set_reason(call.network_resp.reason());
    net->set_message(call.network_resp.message());
  } else {
    net->set_status(false);
    net->set_reason("NetworkServiceUnavailable");
    net->set_message(network.name() + " does not answer on " + network.target() + ": " +
                     call.network_status.error_message());
  }
  if (call.verbose) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json = "[";
    for (const auto& backend : call.backends.backends()) {
      std::string one;
      (void)google::protobuf::util::MessageToJsonString(backend, &one, options);
      json += (json.size() > 1 ? "," : "") + one;
    }
    (*call.response->mutable_info())["backends"] = json + "]";
  }
}

}  // namespace

grpc::ServerUnaryReactor* CriService::Status(grpc::CallbackServerContext* context,
                                             const cri::StatusRequest* request,
                                             cri::StatusResponse* response) {
  auto call = std::make_shared<StatusCall>();
  call->reactor = context->DefaultReactor();
  call->response = response;
  call->verbose = request->verbose();
  call->runtime_req.set_verbose(request->verbose());
  Clock::time_point deadline = std::min(Clock::now() + config_.gateway.status_timeout,
                                        BackendDeadline(context->deadline(), Clock::now()));
  call->runtime_ctx = BoundedContext(deadline);
  call->network_ctx = BoundedContext(deadline);

  std::vector<Backend*> all = backends_.All();
  size_t calls = 2 + (call->verbose ? all.size() : 0);
  auto join = rpc::Join::Create(calls, [this, call] {
    Assemble(*call, backends_.runtime, backends_.network);
    call->reactor->Finish(grpc::Status::OK);
  });
  runtime_->async()->Status(call->runtime_ctx.get(), &call->runtime_req, &call->runtime_resp,
                            [call, join](grpc::Status s) {
                              call->runtime_status = s;
                              join->Arrive();
                            });
  network_->async()->NetworkStatus(call->network_ctx.get(), &call->network_req, &call->network_resp,
                                   [call, join](grpc::Status s) {
                                     call->network_status = s;
                                     join->Arrive();
                                   });
  if (call->verbose) {
    for (size_t i = 0; i < all.size(); ++i) call->backends.add_backends();
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    for (size_t i = 0; i < all.size(); ++i) {
      all[i]->Describe(timeout, [call, join, i](v1::Backend b) {
        *call->backends.mutable_backends(static_cast<int>(i)) = std::move(b);
        join->Arrive();
      });
    }
  }
  return call->reactor;
}

}  // namespace cria::gateway

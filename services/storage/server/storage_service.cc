#include "services/storage/server/storage_service.h"

#include <boost/asio/post.hpp>

#include "libs/status/grpc_status.h"

namespace cria::storage {
namespace {

// Layers of one pull are applied in order, but several pulls can run at once.
constexpr int kWorkers = 4;

}  // namespace

StorageService::StorageService(const daemon::Identity& identity, store::LayerStore& layers)
    : identity_(identity), layers_(layers), workers_(kWorkers) {
  ServeOnly("cria.storage.v1.Storage", {"ServiceInfo", "ApplyLayer", "LayerStatus"});
}

StorageService::~StorageService() { workers_.join(); }

grpc::ServerUnaryReactor* StorageService::ServiceInfo(grpc::CallbackServerContext* context,
                                                      const info::v1::ServiceInfoRequest*,
                                                      info::v1::ServiceInfoResponse* response) {
  return daemon::AnswerServiceInfo(identity_, context, response);
}

grpc::ServerUnaryReactor* StorageService::ApplyLayer(grpc::CallbackServerContext* context,
                                                     const v1::ApplyLayerRequest* request,
                                                     v1::ApplyLayerResponse* response) {
  auto* reactor = context->DefaultReactor();
  boost::asio::post(workers_, [this, reactor, request, response] {
    Result<store::ApplyOutcome> outcome = layers_.Apply(
        {request->parent_chain_id(), request->blob_path(), request->expected_diff_id()});
    if (outcome.ok()) {
      response->set_chain_id(outcome->layer.chain_id);
      response->set_diff_id(outcome->layer.diff_id);
      response->set_size(outcome->layer.size);
      response->set_already_present(outcome->already_present);
    }
    reactor->Finish(ToGrpc(outcome.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageService::LayerStatus(grpc::CallbackServerContext* context,
                                                      const v1::LayerStatusRequest* request,
                                                      v1::LayerStatusResponse* response) {
  if (std::optional<store::LayerInfo> layer = layers_.Get(request->chain_id())) {
    response->set_present(true);
    response->set_diff_id(layer->diff_id);
    response->set_parent_chain_id(layer->parent);
    response->set_size(layer->size);
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cria::storage

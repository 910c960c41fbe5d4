#include <catch2/catch.hpp>

#include "services/gateway/proxy/deadline.h"
#include "services/gateway/proxy/router.h"

namespace cria::gateway {
namespace {

using std::chrono::milliseconds;

TEST_CASE("the backend deadline leaves the gateway a margin to answer") {
  Clock::time_point now = Clock::now();
  CHECK(BackendDeadline(now + milliseconds(2000), now) == now + milliseconds(1800));
  CHECK(BackendDeadline(now + milliseconds(60000), now) == now + milliseconds(59750));
  CHECK(BackendDeadline(Clock::time_point::max(), now) == Clock::time_point::max());
  CHECK(BackendDeadline(now - milliseconds(5), now) == now - milliseconds(5));
}

TEST_CASE("a backend that was not there becomes UNAVAILABLE naming it") {
  grpc::Status deadline(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded");
  grpc::Status s = BackendFailure(deadline, "cria-runtime", "unix:/run/cria/runtime.sock", false,
                                  milliseconds(1800));
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(s.error_message() ==
        "cria-runtime is unavailable at unix:/run/cria/runtime.sock: waited 1800 ms for it "
        "within the call's deadline");
  // Connected but slow: the deadline is the backend's own doing and passes through.
  CHECK(BackendFailure(deadline, "cria-runtime", "unix:/x", true, milliseconds(5)).error_code() ==
        grpc::StatusCode::DEADLINE_EXCEEDED);
  grpc::Status lost(grpc::StatusCode::UNAVAILABLE, "Socket closed");
  CHECK(BackendFailure(lost, "cria-image", "unix:/x", false, milliseconds(1)).error_message() ==
        "cria-image at unix:/x: Socket closed");
  grpc::Status notfound(grpc::StatusCode::NOT_FOUND, "pod p1 not found");
  grpc::Status passed = BackendFailure(notfound, "cria-runtime", "unix:/x", true, milliseconds(1));
  CHECK(passed.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(passed.error_message() == "pod p1 not found");
}

TEST_CASE("CRI methods route to their owners with their shapes") {
  config::Config config;
  config.common.run_dir = "/tmp/cria-router-test";
  Backends backends(config);
  CriRouter router(backends, milliseconds(1000));
  const auto* run = router.Find("/runtime.v1.RuntimeService/RunPodSandbox");
  REQUIRE(run != nullptr);
  CHECK(run->backend == &backends.runtime);
  CHECK(run->shape == CallShape::kUnary);
  const auto* events = router.Find("/runtime.v1.RuntimeService/GetContainerEvents");
  REQUIRE(events != nullptr);
  CHECK(events->shape == CallShape::kServerStreaming);
  const auto* pull = router.Find("/runtime.v1.ImageService/PullImage");
  REQUIRE(pull != nullptr);
  CHECK(pull->backend == &backends.image);
  const auto* stream = router.Find("/runtime.v1.ImageService/StreamImages");
  REQUIRE(stream != nullptr);
  CHECK(stream->shape == CallShape::kServerStreaming);
  CHECK(router.Find("/runtime.v1alpha2.RuntimeService/Version") == nullptr);
  CHECK(router.Find("/cria.storage.v1.Storage/ServiceInfo") == nullptr);
}

TEST_CASE("cria.image.v1.ImagePull routes to cria-image; the internal Image service does not") {
  config::Config config;
  config.common.run_dir = "/tmp/cria-router-test";
  Backends backends(config);
  CriRouter router(backends, milliseconds(1000));
  const auto* pull = router.Find("/cria.image.v1.ImagePull/Pull");
  REQUIRE(pull != nullptr);
  CHECK(pull->backend == &backends.image);
  CHECK(pull->shape == CallShape::kServerStreaming);
  CHECK(router.Find("/cria.image.v1.Image/Resolve") == nullptr);
  CHECK(router.Find("/cria.image.v1.Image/ServiceInfo") == nullptr);
  CHECK(router.Find("/cria.image.v1.ImagePull/Unknown") == nullptr);
}

}  // namespace
}  // namespace cria::gateway

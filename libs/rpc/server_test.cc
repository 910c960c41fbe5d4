#include "libs/rpc/server.h"

#include <grpcpp/generic/generic_stub.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "cria/network/v1/network.grpc.pb.h"
#include "libs/rpc/client.h"
#include "libs/rpc/unimplemented.h"
#include "libs/testing/temp_dir.h"

namespace cria::rpc {
namespace {

using std::chrono::milliseconds;
namespace network = cria::network::v1;

using cria::testing::TempDir;

// Sockets go under /tmp rather than $TMPDIR: a unix socket path must fit sun_path (108 bytes).
constexpr char kSocketBase[] = "/tmp";

// Implements ServiceInfo only; NetworkStatus answers after `delay` so shutdown can be
// tested with a call in flight.
class TestNetwork : public PartialService<network::Network::CallbackService> {
 public:
  explicit TestNetwork(milliseconds delay) : delay_(delay) {
    ServeOnly("cria.network.v1.Network", {"ServiceInfo"});
  }
  grpc::ServerUnaryReactor* ServiceInfo(grpc::CallbackServerContext* ctx,
                                        const cria::info::v1::ServiceInfoRequest*,
                                        cria::info::v1::ServiceInfoResponse* resp) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_started_++;
    }
    started_.notify_all();
    resp->set_name("cria-test");
    auto* reactor = ctx->DefaultReactor();
    if (delay_.count() == 0) {
      reactor->Finish(grpc::Status::OK);
    } else {
      std::thread([reactor, d = delay_] {
        std::this_thread::sleep_for(d);
        reactor->Finish(grpc::Status::OK);
      }).detach();
    }
    return reactor;
  }

  // Blocks until a call has reached the handler.
  void AwaitCall() {
    std::unique_lock<std::mutex> lock(mu_);
    started_.wait(lock, [this] { return calls_started_ > 0; });
  }

 private:
  milliseconds delay_;
  std::mutex mu_;
  std::condition_variable started_;
  int calls_started_ = 0;
};

int SocketMode(const std::string& path) {
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  REQUIRE(S_ISSOCK(st.st_mode));
  return st.st_mode & 0777;
}

TEST_CASE("a server serves health on its socket with the configured mode") {
  TempDir dir("cria-rpc-", kSocketBase);
  std::string path = dir.path() + "/sub/test.sock";
  TestNetwork svc(milliseconds(0));
  Server server("cria-test");
  server.AddService(&svc);
  REQUIRE(server.Start({path, 0660, ""}).ok());
  CHECK(SocketMode(path) == 0660);
  auto channel = UnixChannel(path);
  CHECK(CheckHealth(*channel, milliseconds(2000)).ok());

  auto stub = network::Network::NewStub(channel);
  SECTION("implemented methods work") {
    cria::info::v1::ServiceInfoResponse resp;
    auto ctx = NewContext(milliseconds(2000), false);
    REQUIRE(stub->ServiceInfo(ctx.get(), {}, &resp).ok());
    CHECK(resp.name() == "cria-test");
  }
  SECTION("methods not implemented yet say so by name") {
    network::NetworkStatusResponse resp;
    auto ctx = NewContext(milliseconds(2000), false);
    grpc::Status s = stub->NetworkStatus(ctx.get(), {}, &resp);
    CHECK(s.error_code() == grpc::StatusCode::UNIMPLEMENTED);
    CHECK(s.error_message() ==
          "cria-test does not implement /cria.network.v1.Network/NetworkStatus yet");
  }
  SECTION("unknown methods too") {
    grpc::GenericStub generic(channel);
    grpc::Slice empty("");
    grpc::ByteBuffer req(&empty, 1), resp;  // an empty message, serialized
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(2000));
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    generic.UnaryCall(&ctx, "/no.such.Service/Call", {}, &req, &resp, [&](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      status = s;
      done = true;
      cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
    CHECK(status.error_message() == "cria-test does not implement /no.such.Service/Call yet");
  }
  server.Shutdown(milliseconds(1000));
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(CheckHealth(*channel, milliseconds(300)).ok());
}

TEST_CASE("ServeOnly refuses names the service does not have") {
  std::vector<std::string> paths = {"/cria.network.v1.Network/ServiceInfo",
                                    "/cria.network.v1.Network/NetworkStatus"};
  auto r = MethodsToRelease(paths, {"ServiceInfo", "Bogus"});
  REQUIRE_FALSE(r.ok());
  CHECK(MessageOf(r.status()) == "cria.network.v1.Network has no method Bogus");
  CHECK(MethodsToRelease(paths, {"ServiceInfo"}).value() == std::vector<int>{1});
  CHECK(MethodsToRelease(paths, {"ServiceInfo", "NetworkStatus"}).value().empty());
}

TEST_CASE("a second server on the same path is refused while the first runs") {
  TempDir dir("cria-rpc-", kSocketBase);
  std::string path = dir.path() + "/one.sock";
  Server first("cria-test");
  REQUIRE(first.Start({path, 0600, ""}).ok());
  Server second("cria-test");
  Status s = second.Start({path, 0600, ""});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(s).find("in use by another process") != std::string::npos);
  // The first server is untouched.
  CHECK(CheckHealth(*UnixChannel(path), milliseconds(2000)).ok());
}

TEST_CASE("a stale socket from a dead owner is replaced; other files are not") {
  TempDir dir("cria-rpc-", kSocketBase);
  std::string path = dir.path() + "/stale.sock";
  {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path.c_str());
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    close(fd);  // the socket file stays, nobody listens: a crashed daemon's leftover
  }
  Server server("cria-test");
  REQUIRE(server.Start({path, 0600, ""}).ok());
  CHECK(CheckHealth(*UnixChannel(path), milliseconds(2000)).ok());
  server.Shutdown(milliseconds(0));

  std::string file = dir.path() + "/regular.sock";
  std::ofstream(file) << "precious";
  Server other("cria-test");
  Status s = other.Start({file, 0600, ""});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(s) == file + " exists and is not a socket; refusing to replace it");
  std::ifstream in(file);
  std::string content;
  in >> content;
  CHECK(content == "precious");
}

TEST_CASE("an unknown socket group is refused naming it") {
  TempDir dir("cria-rpc-", kSocketBase);
  Server server("cria-test");
  Status s = server.Start({dir.path() + "/g.sock", 0660, "no-such-group-cria"});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(s).find("group \"no-such-group-cria\"") != std::string::npos);
}

TEST_CASE("shutdown lets calls in flight finish within the grace period") {
  TempDir dir("cria-rpc-", kSocketBase);
  std::string path = dir.path() + "/grace.sock";
  TestNetwork svc(milliseconds(300));
  Server server("cria-test");
  server.AddService(&svc);
  REQUIRE(server.Start({path, 0600, ""}).ok());
  auto stub = network::Network::NewStub(UnixChannel(path));
  grpc::Status result;
  std::thread caller([&] {
    cria::info::v1::ServiceInfoResponse resp;
    auto ctx = NewContext(milliseconds(5000), false);
    result = stub->ServiceInfo(ctx.get(), {}, &resp);
  });
  svc.AwaitCall();  // the call is in flight when shutdown starts
  server.Shutdown(milliseconds(3000));
  caller.join();
  CHECK(result.ok());
}

}  // namespace
}  // namespace cria::rpc

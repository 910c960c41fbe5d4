// The five real daemons in a temp root, driven through the CRI socket with criactl and
// a gRPC client, as the kubelet would.
#include "tests/support/stack.h"

#include <grpcpp/create_channel.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "cri/runtime/v1/cri_api.h"
#include "cria/gateway/v1/gateway.grpc.pb.h"

namespace cria::testing {
namespace {

using std::chrono::milliseconds;
namespace cri = ::runtime::v1;

struct Condition {
  bool found = false;
  bool status = false;
  std::string reason, message;
};

Condition FindCondition(const std::string& info_json, const std::string& type) {
  rapidjson::Document doc;
  doc.Parse(info_json.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  Condition c;
  for (const auto& cond : doc["status"]["conditions"].GetArray()) {
    if (cond["type"].GetString() != type) continue;
    c.found = true;
    c.status = cond["status"].GetBool();
    c.reason = cond["reason"].GetString();
    c.message = cond["message"].GetString();
  }
  return c;
}

CommandResult Criactl(const Stack& stack, std::vector<std::string> args) {
  std::vector<std::string> argv = {BinaryPath("criactl"), "--runtime-endpoint",
                                   stack.CriEndpoint()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

std::shared_ptr<grpc::Channel> CriChannel(const Stack& stack) {
  return TestChannel(stack.Socket("gateway"));
}

grpc::Status CallRuntimeConfig(cri::RuntimeService::Stub& stub, milliseconds timeout,
                               cri::RuntimeConfigResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  return stub.RuntimeConfig(&ctx, {}, resp);
}

int Mode(const std::string& path) {
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("criactl version and info go through the gateway to the backends") {
  Stack stack;
  stack.StartAll();

  CommandResult version = Criactl(stack, {"version"});
  INFO(version.error);
  REQUIRE(version.exit_code == 0);
  CHECK(version.output ==
        "Version:  0.1.0\nRuntimeName:  cria\nRuntimeVersion:  1.36.0\nRuntimeApiVersion:  v1\n");

  CommandResult json = Criactl(stack, {"version", "-o", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.output.find("\"runtimeName\": \"cria\"") != std::string::npos);

  CommandResult info = Criactl(stack, {"info"});
  INFO(info.output << info.error);
  REQUIRE(info.exit_code == 0);
  Condition runtime = FindCondition(info.output, "RuntimeReady");
  REQUIRE(runtime.found);
  CHECK(runtime.status);  // runc is installed, cria-image and cria-storage answer
  Condition network = FindCondition(info.output, "NetworkReady");
  REQUIRE(network.found);
  CHECK_FALSE(network.status);  // the stack's CNI config dir is empty
  CHECK(network.reason == "NetworkPluginNotReady");
  CHECK(network.message.find(stack.CniConfigDir()) != std::string::npos);
  // Verbose info lists every backend with what it says about itself.
  rapidjson::Document doc;
  doc.Parse(info.output.c_str());
  REQUIRE(doc["backends"].IsArray());
  REQUIRE(doc["backends"].Size() == 4);
  for (const auto& b : doc["backends"].GetArray()) {
    CHECK(b["reachable"].GetBool());
    CHECK(std::string(b["info"]["name"].GetString()) == b["name"].GetString());
    CHECK(std::string(b["info"]["version"].GetString()) == "1.36.0");
  }
  CHECK(std::string(doc["ociRuntime"].GetString()).find("runc") != std::string::npos);
  // The handlers RunPodSandbox takes ("" the default) and cria-runtime's features, through
  // the gateway: no recursive read-only mounts or user namespaces (the kubelet refuses pods
  // that need them), SupplementalGroupsPolicy supported.
  REQUIRE(doc["runtimeHandlers"].IsArray());
  std::vector<std::string> handlers;
  for (const auto& h : doc["runtimeHandlers"].GetArray()) {
    handlers.push_back(h["name"].GetString());
    CHECK_FALSE(h["features"]["recursiveReadOnlyMounts"].GetBool());
    CHECK_FALSE(h["features"]["userNamespaces"].GetBool());
  }
  CHECK(handlers == std::vector<std::string>{"", "runc", "crun"});
  CHECK(doc["features"]["supplementalGroupsPolicy"].GetBool());

  CommandResult table = Criactl(stack, {"info", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.output.rfind("CONDITION      STATUS   REASON", 0) == 0);
  CHECK(table.output.find("RuntimeReady   true") != std::string::npos);

  CommandResult yaml = Criactl(stack, {"info", "-o", "yaml"});
  REQUIRE(yaml.exit_code == 0);
  CHECK(yaml.output.find("type: RuntimeReady") != std::string::npos);

  CommandResult bad = Criactl(stack, {"info", "-o", "xml"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.error.find("unknown output format \"xml\"") != std::string::npos);
}

TEST_CASE("RuntimeConfig reaches cria-runtime; calls not implemented yet say so by name") {
  Stack stack;
  stack.StartAll();
  auto channel = CriChannel(stack);
  auto runtime = cri::RuntimeService::NewStub(channel);
  auto image = cri::ImageService::NewStub(channel);

  cri::RuntimeConfigResponse config;
  REQUIRE(CallRuntimeConfig(*runtime, milliseconds(5000), &config).ok());
  CHECK(config.linux().cgroup_driver() == cri::CGROUPFS);  // no systemd PID 1 here

  grpc::ClientContext ctx1;
  cri::ContainerStatsResponse stats;
  grpc::Status s = runtime->ContainerStats(&ctx1, {}, &stats);
  CHECK(s.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  CHECK(s.error_message() ==
        "cria-runtime does not implement /runtime.v1.RuntimeService/ContainerStats yet");

  // ImageFsInfo is answered from cria-storage's usage.
  grpc::ClientContext ctx5;
  cri::ImageFsInfoResponse fs_info;
  grpc::Status fs_status = image->ImageFsInfo(&ctx5, {}, &fs_info);
  INFO(fs_status.error_message());
  REQUIRE(fs_status.ok());
  REQUIRE(fs_info.image_filesystems_size() == 1);
  CHECK(fs_info.image_filesystems(0).fs_id().mountpoint() == stack.state_dir() + "/storage/layers");
  CHECK(fs_info.image_filesystems(0).inodes_used().value() >= 1);
  CHECK(fs_info.image_filesystems(0).timestamp() > 0);
  REQUIRE(fs_info.container_filesystems_size() == 1);
  CHECK(fs_info.container_filesystems(0).fs_id().mountpoint() ==
        stack.state_dir() + "/storage/containers");

  // ImageService calls reach cria-image (which judges the request).
  grpc::ClientContext ctx2;
  cri::PullImageResponse pull;
  s = image->PullImage(&ctx2, {}, &pull);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message() == "PullImage: no image given");

  // A server-streaming call is forwarded as a stream and gets the backend's status.
  grpc::ClientContext ctx3;
  ctx3.set_deadline(std::chrono::system_clock::now() + milliseconds(5000));
  auto events = runtime->GetContainerEvents(&ctx3, {});
  cri::ContainerEventResponse event;
  CHECK_FALSE(events->Read(&event));
  s = events->Finish();
  CHECK(s.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  CHECK(s.error_message() ==
        "cria-runtime does not implement /runtime.v1.RuntimeService/GetContainerEvents yet");

  // The gateway's own API lists the backends it sees.
  auto gw = cria::gateway::v1::Gateway::NewStub(channel);
  grpc::ClientContext ctx4;
  cria::gateway::v1::BackendsResponse backends;
  REQUIRE(gw->Backends(&ctx4, {}, &backends).ok());
  REQUIRE(backends.backends_size() == 4);
  for (const auto& b : backends.backends()) {
    CHECK(b.reachable());
    CHECK(b.info().name() == b.name());
    CHECK(b.info().version() == "1.36.0");
  }
  CHECK(backends.backends(0).info().api_version() == "cria.runtime.v1");
}

// Without its OCI runtime, conmon or cria-pinns no pod can run: RuntimeReady is false
// with a reason and a message naming what is missing (the kubelet marks the node not
// ready), while cria-runtime still serves.
TEST_CASE("RuntimeReady names a missing OCI runtime, conmon or cria-pinns") {
  for (const auto& [key, reason] :
       std::vector<std::pair<std::string, std::string>>{{"default_runtime", "OCIRuntimeNotFound"},
                                                        {"conmon_path", "ConmonNotFound"},
                                                        {"pinns_path", "PinnsNotFound"}}) {
    INFO(key);
    Stack stack;
    const std::string missing = stack.root() + "/no-such-" + key;
    stack.WriteConfig("runtime:\n  " + key + ": \"" + missing + "\"\n");
    stack.StartAll();
    CommandResult info = Criactl(stack, {"info"});
    INFO(info.output << info.error);
    REQUIRE(info.exit_code == 0);
    Condition runtime = FindCondition(info.output, "RuntimeReady");
    REQUIRE(runtime.found);
    CHECK_FALSE(runtime.status);
    CHECK(runtime.reason == reason);
    CHECK(runtime.message.find(missing) != std::string::npos);
  }
}

// A configured runtime handler whose OCI runtime is not on this node: not listed in Status
// (the kubelet reports the node's handlers from it), and a pod asking for it is refused
// as this node's shortcoming (FailedPrecondition naming the binary), not the request's.
TEST_CASE("a runtime handler whose OCI runtime is missing is not offered") {
  Stack stack;
  const std::string ghost = stack.root() + "/no-such-runtime";
  stack.WriteConfig("runtime:\n  runtime_handlers: [\"runc\", \"ghost=" + ghost + "\"]\n");
  stack.StartAll();
  CommandResult info = Criactl(stack, {"info"});
  INFO(info.output << info.error);
  REQUIRE(info.exit_code == 0);
  rapidjson::Document doc;
  doc.Parse(info.output.c_str());
  std::vector<std::string> handlers;
  for (const auto& h : doc["runtimeHandlers"].GetArray()) handlers.push_back(h["name"].GetString());
  CHECK(handlers == std::vector<std::string>{"", "runc"});

  auto runtime = cri::RuntimeService::NewStub(CriChannel(stack));
  cri::RunPodSandboxRequest run;
  run.mutable_config()->mutable_metadata()->set_name("p");
  run.mutable_config()->mutable_metadata()->set_namespace_("default");
  run.mutable_config()->mutable_metadata()->set_uid("p-uid");
  cri::RunPodSandboxResponse ran;
  for (const auto& [handler, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"ghost", grpc::StatusCode::FAILED_PRECONDITION},
           {"nothing", grpc::StatusCode::INVALID_ARGUMENT}}) {
    INFO(handler);
    run.set_runtime_handler(handler);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s = runtime->RunPodSandbox(&ctx, run, &ran);
    CHECK(s.error_code() == code);
    CHECK(s.error_message().find(handler == "ghost" ? ghost : handler) != std::string::npos);
  }
}

TEST_CASE("cria-runtime killed with SIGKILL: its condition turns false, and back after restart") {
  Stack stack;
  stack.StartAll();
  pid_t gateway_pid = stack.Pid("gateway");
  auto runtime = cri::RuntimeService::NewStub(CriChannel(stack));

  stack.Kill("runtime");

  // Status answers within criactl's 2 s deadline with the runtime condition false.
  auto started = std::chrono::steady_clock::now();
  CommandResult info = Criactl(stack, {"info"});
  auto took = std::chrono::steady_clock::now() - started;
  INFO(info.output << info.error);
  REQUIRE(info.exit_code == 0);
  CHECK(took < milliseconds(2000));
  Condition down = FindCondition(info.output, "RuntimeReady");
  CHECK_FALSE(down.status);
  CHECK(down.reason == "RuntimeServiceUnavailable");
  CHECK(down.message.find("cria-runtime does not answer on unix:" + stack.Socket("runtime")) == 0);

  // A call that needs the runtime waits within its deadline, then fails UNAVAILABLE
  // naming the backend (before the caller's own deadline).
  cri::RuntimeConfigResponse resp;
  started = std::chrono::steady_clock::now();
  grpc::Status s = CallRuntimeConfig(*runtime, milliseconds(1500), &resp);
  took = std::chrono::steady_clock::now() - started;
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(s.error_message().find("cria-runtime is unavailable at unix:" + stack.Socket("runtime")) ==
        0);
  CHECK(took >= milliseconds(1000));  // it did wait for the backend

  // A call in flight while the runtime comes back succeeds.
  auto pending = std::async(std::launch::async, [&] {
    cri::RuntimeConfigResponse r;
    return CallRuntimeConfig(*runtime, milliseconds(20000), &r);
  });
  CHECK(pending.wait_for(milliseconds(300)) == std::future_status::timeout);
  stack.Start("runtime");
  grpc::Status resumed = pending.get();
  INFO(resumed.error_message());
  CHECK(resumed.ok());

  // And Status shows it ready again, with no gateway restart.
  CommandResult again = Criactl(stack, {"info"});
  REQUIRE(again.exit_code == 0);
  CHECK(FindCondition(again.output, "RuntimeReady").status);
  CHECK(stack.Pid("gateway") == gateway_pid);
}

TEST_CASE("cria-image or cria-storage down makes RuntimeReady false naming it") {
  Stack stack;
  stack.StartAll();
  stack.Kill("storage");
  CommandResult info = Criactl(stack, {"info"});
  REQUIRE(info.exit_code == 0);
  Condition c = FindCondition(info.output, "RuntimeReady");
  CHECK_FALSE(c.status);
  CHECK(c.reason == "StorageServiceUnavailable");
  CHECK(c.message.find("cria-storage does not answer on " + stack.Socket("storage")) == 0);
  stack.Start("storage");
  CHECK(FindCondition(Criactl(stack, {"info"}).output, "RuntimeReady").status);
}

TEST_CASE("the network condition is false with a reason while cria-network is down") {
  Stack stack;
  stack.StartAll();
  stack.Kill("network");
  CommandResult info = Criactl(stack, {"info"});
  REQUIRE(info.exit_code == 0);
  Condition c = FindCondition(info.output, "NetworkReady");
  CHECK_FALSE(c.status);
  CHECK(c.reason == "NetworkServiceUnavailable");
  CHECK(c.message.find("cria-network does not answer on unix:") == 0);
}

TEST_CASE("UpdateRuntimeConfig's pod CIDR renders the CNI template; NetworkReady turns true") {
  Stack stack;
  std::string tmpl = stack.root() + "/template.conflist";
  std::ofstream(tmpl) << R"({"cniVersion": "1.0.0", "name": "templated", "plugins": [)"
                      << R"({"type": "loopback", "podCIDR": "{{.PodCIDR}}"}]})";
  stack.WriteConfig("network:\n  cni_config_dirs: [\"" + stack.CniConfigDir() + "\"]\n" +
                    "  cni_plugin_dirs: [\"/usr/lib/cni\"]\n  cni_config_template: \"" + tmpl +
                    "\"\n");
  stack.StartAll();
  CHECK_FALSE(FindCondition(Criactl(stack, {"info"}).output, "NetworkReady").status);

  auto runtime = cri::RuntimeService::NewStub(CriChannel(stack));
  cri::UpdateRuntimeConfigRequest req;
  req.mutable_runtime_config()->mutable_network_config()->set_pod_cidr("10.244.7.0/24");
  cri::UpdateRuntimeConfigResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(5000));
  grpc::Status s = runtime->UpdateRuntimeConfig(&ctx, req, &resp);
  INFO(s.error_message());
  REQUIRE(s.ok());
  std::ifstream rendered(stack.CniConfigDir() + "/10-cria-template.conflist");
  std::stringstream text;
  text << rendered.rdbuf();
  CHECK(text.str().find("\"podCIDR\": \"10.244.7.0/24\"") != std::string::npos);
  CommandResult info = Criactl(stack, {"info"});
  Condition network = FindCondition(info.output, "NetworkReady");
  CHECK(network.status);
  CHECK(network.reason.empty());
}

TEST_CASE("the daemons start in any order") {
  Stack stack;
  stack.Start("gateway");  // alone: it answers, and reports its backends down
  CommandResult info = Criactl(stack, {"info"});
  REQUIRE(info.exit_code == 0);
  CHECK_FALSE(FindCondition(info.output, "RuntimeReady").status);
  CHECK(Criactl(stack, {"version"}).exit_code == 0);
  for (const char* d : {"runtime", "network", "storage", "image"}) stack.Start(d);
  info = Criactl(stack, {"info"});
  CHECK(FindCondition(info.output, "RuntimeReady").status);
}

TEST_CASE("sockets get their modes, and SIGTERM stops a daemon cleanly") {
  Stack stack;
  stack.StartAll();
  CHECK(Mode(stack.Socket("gateway")) == 0660);
  for (const char* d : {"image", "storage", "network", "runtime"}) {
    CHECK(Mode(stack.Socket(d)) == 0600);
  }
  CHECK(Mode(stack.state_dir() + "/storage") == 0700);
  for (const auto& d : Stack::Daemons()) {
    int status = stack.Terminate(d);
    INFO(d << "\n" << stack.Log(d));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_FALSE(std::filesystem::exists(stack.Socket(d)));
    CHECK(stack.Log(d).find("msg=stopped") != std::string::npos);
  }
}

TEST_CASE("a second daemon on a served socket is refused and the first keeps serving") {
  Stack stack;
  stack.Start("storage");
  std::vector<std::string> argv = {BinaryPath("storage")};
  for (const auto& f : stack.CommonFlags()) argv.push_back(f);
  CommandResult second = RunCommand(argv);
  CHECK(second.exit_code == 1);
  CHECK(second.error.find("is in use by another process") != std::string::npos);
  CHECK(std::filesystem::exists(stack.Socket("storage")));
}

TEST_CASE("a bad config file stops every daemon at start, naming file, key and reason") {
  Stack stack;
  std::string bad_key = stack.root() + "/bad-key.yaml";
  std::ofstream(bad_key) << "gateway:\n  status_timeout: 2s\n  socket_perms: \"0600\"\n";
  std::string bad_type = stack.root() + "/bad-type.yaml";
  std::ofstream(bad_type) << "common:\n  shutdown_grace_period: [1, 2]\n";
  for (const auto& d : Stack::Daemons()) {
    CommandResult r = RunCommand({BinaryPath(d), "--config", bad_key});
    CHECK(r.exit_code == 2);
    CHECK(r.error.find(bad_key + ":3:3: gateway.socket_perms: unknown key") != std::string::npos);
    r = RunCommand({BinaryPath(d), "--config", bad_type});
    CHECK(r.exit_code == 2);
    CHECK(r.error.find(bad_type +
                       ":2:26: common.shutdown_grace_period: expected a duration, got a list") !=
          std::string::npos);
  }
  CommandResult missing = RunCommand({BinaryPath("gateway"), "--config", "/nonexistent.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.error.find("config file /nonexistent.yaml does not exist") != std::string::npos);
}

TEST_CASE("--print-config prints the effective configuration without a file") {
  Stack stack;
  std::vector<std::string> argv = {BinaryPath("runtime")};
  for (const auto& f : stack.CommonFlags()) argv.push_back(f);
  argv.push_back("--print-config");
  CommandResult r = RunCommand(argv);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("run_dir: \"" + stack.run_dir() + "\"") != std::string::npos);
  CHECK(r.output.find("default_runtime: \"runc\"") != std::string::npos);
}

}  // namespace
}  // namespace cria::testing

// Containers the way the kubelet runs them, with every real part: an image pulled from a
// docker-registry on 127.0.0.1, a pod (CNI bridge, pinned namespaces), containers created
// and started under conmon with runc, their exit codes, CRI logs, stop signals, exec, a
// start that fails, and a restart of cria-runtime that loses no exit.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cri/runtime/v1/cri_api.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tests/support/stack.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;
namespace it = image::testing;
using namespace std::chrono_literals;

std::string BridgeName() { return "crc" + std::to_string(getpid() % 100000); }
std::string Subnet() { return "10.227." + std::to_string(getpid() % 250) + ".0/24"; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Cluster {
  image::registry::testing::TestRegistry registry;
  Stack stack;
  std::unique_ptr<cri::RuntimeService::Stub> runtime;
  std::unique_ptr<cri::ImageService::Stub> images;
  std::string image_ref, pod_id, log_dir;

  // `share_pid`: the pod's containers share one PID namespace (held by cria-pause).
  explicit Cluster(bool share_pid = false) {
    REQUIRE(registry.started());
    std::ofstream(stack.CniConfigDir() + "/10-test.conflist")
        << R"({"cniVersion": "1.0.0", "name": "ctrnet", "plugins": [
             {"type": "bridge", "bridge": ")"
        << BridgeName() << R"(", "ipam": {"type": "host-local", "dataDir": ")" << stack.root()
        << R"(/ipam", "ranges": [[{"subnet": ")" << Subnet() << R"("}]]}},
             {"type": "loopback"}]})";
    stack.WriteConfig("network:\n  cni_config_dirs: [\"" + stack.CniConfigDir() +
                      "\"]\n  cni_plugin_dirs: [\"/usr/lib/cni\"]\n"
                      "runtime:\n  pinns_path: \"" +
                      BinaryPath("cria-pinns") + "\"\n  pause_path: \"" + BinaryPath("cria-pause") +
                      "\"\n");
    stack.StartAll();
    Connect();
    // The image: busybox, run as root by default, stop signal SIGUSR1 (tested below).
    it::ImageSpec spec;
    spec.layers = {it::BusyboxLayer()};
    spec.env = {"PATH=/bin", "FROM_IMAGE=yes"};
    spec.cmd = {"sh"};
    auto built = it::Build(spec);
    REQUIRE(built.ok());
    REQUIRE(it::Push(registry, "cria/busybox", "1", *built).ok());
    cri::PullImageRequest pull;
    pull.mutable_image()->set_image(registry.address() + "/cria/busybox:1");
    cri::PullImageResponse pulled;
    grpc::ClientContext ctx;
    grpc::Status s = images->PullImage(&ctx, pull, &pulled);
    INFO(s.error_message());
    REQUIRE(s.ok());
    image_ref = pulled.image_ref();
    // A pod with a log directory.
    log_dir = stack.root() + "/pod-logs";
    cri::RunPodSandboxRequest run;
    auto* config = run.mutable_config();
    config->mutable_metadata()->set_name("pod");
    config->mutable_metadata()->set_namespace_("default");
    config->mutable_metadata()->set_uid("pod-uid");
    config->set_log_directory(log_dir);
    config->mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
        share_pid ? cri::POD : cri::CONTAINER);
    cri::RunPodSandboxResponse ran;
    grpc::ClientContext ctx2;
    s = runtime->RunPodSandbox(&ctx2, run, &ran);
    INFO(s.error_message() << stack.Log("runtime"));
    REQUIRE(s.ok());
    pod_id = ran.pod_sandbox_id();
    pod_config = run.config();
  }
  ~Cluster() {
    cri::RemovePodSandboxRequest rm;
    rm.set_pod_sandbox_id(pod_id);
    cri::RemovePodSandboxResponse resp;
    grpc::ClientContext ctx;
    grpc::Status removed = runtime->RemovePodSandbox(&ctx, rm, &resp);
    INFO(removed.error_message() << stack.Log("runtime"));
    CHECK(removed.ok());
    stack.Terminate("runtime");
    stack.Terminate("network");
    RunCommand({"/usr/sbin/ip", "link", "del", BridgeName()});
  }
  void Connect() {
    runtime = cri::RuntimeService::NewStub(TestChannel(stack.Socket("gateway")));
    images = cri::ImageService::NewStub(TestChannel(stack.Socket("gateway")));
  }

  grpc::Status Create(const std::string& name, const std::vector<std::string>& command,
                      std::string* id) {
    cri::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod_id);
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(image_ref);
    for (const auto& arg : command) c->add_command(arg);
    c->set_log_path(name + "/0.log");
    auto* env = c->add_envs();
    env->set_key("FROM_CRI");
    env->set_value("yes");
    *req.mutable_sandbox_config() = pod_config;
    cri::CreateContainerResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 60s);
    grpc::Status s = runtime->CreateContainer(&ctx, req, &resp);
    if (id) *id = resp.container_id();
    return s;
  }
  grpc::Status Start(const std::string& id) {
    cri::StartContainerRequest req;
    req.set_container_id(id);
    cri::StartContainerResponse resp;
    grpc::ClientContext ctx;
    return runtime->StartContainer(&ctx, req, &resp);
  }
  grpc::Status Stop(const std::string& id, int64_t timeout) {
    cri::StopContainerRequest req;
    req.set_container_id(id);
    req.set_timeout(timeout);
    cri::StopContainerResponse resp;
    grpc::ClientContext ctx;
    return runtime->StopContainer(&ctx, req, &resp);
  }
  grpc::Status Remove(const std::string& id) {
    cri::RemoveContainerRequest req;
    req.set_container_id(id);
    cri::RemoveContainerResponse resp;
    grpc::ClientContext ctx;
    return runtime->RemoveContainer(&ctx, req, &resp);
  }
  cri::ContainerStatus Status(const std::string& id, std::string* info = nullptr) {
    cri::ContainerStatusRequest req;
    req.set_container_id(id);
    req.set_verbose(info != nullptr);
    cri::ContainerStatusResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = runtime->ContainerStatus(&ctx, req, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    if (info) *info = resp.info().at("info");
    return resp.status();
  }
  cri::ContainerStatus WaitExited(const std::string& id) {
    for (int i = 0; i < 200; ++i) {
      cri::ContainerStatus st = Status(id);
      if (st.state() == cri::CONTAINER_EXITED) return st;
      std::this_thread::sleep_for(50ms);
    }
    return Status(id);
  }
  cri::ExecSyncResponse Exec(const std::string& id, const std::vector<std::string>& cmd,
                             int64_t timeout, grpc::Status* status) {
    cri::ExecSyncRequest req;
    req.set_container_id(id);
    for (const auto& c : cmd) req.add_cmd(c);
    req.set_timeout(timeout);
    cri::ExecSyncResponse resp;
    grpc::ClientContext ctx;
    *status = runtime->ExecSync(&ctx, req, &resp);
    return resp;
  }
  cri::PodSandboxConfig pod_config;
};

TEST_CASE("the kubelet's path: a container that writes and exits 3") {
  Cluster c;
  std::string id;
  grpc::Status s = c.Create("writer", {"sh", "-c", "echo hello; echo oops >&2; env; exit 3"}, &id);
  INFO(s.error_message() << c.stack.Log("runtime"));
  REQUIRE(s.ok());
  cri::ContainerStatus created = c.Status(id);
  CHECK(created.state() == cri::CONTAINER_CREATED);
  CHECK(created.image_ref() == c.image_ref);
  s = c.Start(id);
  INFO(s.error_message() << c.stack.Log("runtime"));
  REQUIRE(s.ok());
  cri::ContainerStatus done = c.WaitExited(id);
  CHECK(done.state() == cri::CONTAINER_EXITED);
  CHECK(done.exit_code() == 3);
  CHECK(done.reason() == "Error");
  CHECK(done.finished_at() >= done.started_at());
  std::string log = ReadAll(c.log_dir + "/writer/0.log");
  INFO(log);
  CHECK(log.find(" stdout F hello\n") != std::string::npos);
  CHECK(log.find(" stderr F oops\n") != std::string::npos);
  CHECK(log.find(" stdout F FROM_IMAGE=yes\n") != std::string::npos);
  CHECK(log.find(" stdout F FROM_CRI=yes\n") != std::string::npos);

  // The name is taken until the container is removed.
  CHECK(c.Create("writer", {"true"}, nullptr).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(c.Remove(id).ok());
  REQUIRE(c.Remove(id).ok());
  std::string again;
  REQUIRE(c.Create("writer", {"true"}, &again).ok());
  REQUIRE(c.Remove(again).ok());
}

TEST_CASE("stop: SIGTERM within the timeout, SIGKILL when it is ignored; exec") {
  Cluster c;
  std::string polite, stubborn;
  REQUIRE(c.Create("polite", {"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"},
                   &polite)
              .ok());
  REQUIRE(
      c.Create("stubborn", {"sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"}, &stubborn)
          .ok());
  REQUIRE(c.Start(polite).ok());
  REQUIRE(c.Start(stubborn).ok());
  CHECK(c.Status(polite).state() == cri::CONTAINER_RUNNING);
  {  // conmon lives outside cria-runtime's cgroup (systemd's hierarchy), so a restart of
     // the unit never takes it down.
    std::ifstream pidfile(c.stack.run_dir() + "/runtime/containers/" + polite + "/conmon.pid");
    pid_t conmon = 0;
    pidfile >> conmon;
    REQUIRE(conmon > 0);
    std::string cgroups = ReadAll("/proc/" + std::to_string(conmon) + "/cgroup");
    INFO(cgroups);
    CHECK(cgroups.find("/cria-conmon\n") != std::string::npos);
    CHECK(ReadAll("/proc/" + std::to_string(c.stack.Pid("runtime")) + "/cgroup")
              .find("/cria-conmon") == std::string::npos);
  }

  grpc::Status s;
  cri::ExecSyncResponse out = c.Exec(polite, {"sh", "-c", "echo in; echo err >&2; exit 4"}, 10, &s);
  REQUIRE(s.ok());
  CHECK(out.stdout() == "in\n");
  CHECK(out.stderr() == "err\n");
  CHECK(out.exit_code() == 4);
  out = c.Exec(polite, {"sleep", "30"}, 1, &s);
  REQUIRE(s.ok());
  CHECK(out.exit_code() == -1);
  CHECK(out.stderr().find("timed out") != std::string::npos);

  auto started = std::chrono::steady_clock::now();
  REQUIRE(c.Stop(polite, 10).ok());
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  cri::ContainerStatus st = c.Status(polite);
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.exit_code() == 0);
  CHECK(st.reason() == "Completed");

  REQUIRE(c.Stop(stubborn, 1).ok());
  st = c.Status(stubborn);
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.exit_code() == 137);
  REQUIRE(c.Stop(stubborn, 1).ok());  // again: fine
  CHECK(c.Exec(stubborn, {"true"}, 1, &s).exit_code() == 0);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  REQUIRE(c.Remove(polite).ok());
  REQUIRE(c.Remove(stubborn).ok());
}

TEST_CASE("bad input: a missing command, image or pod") {
  Cluster c;
  std::string id;
  REQUIRE(c.Create("missing", {"/no/such/command"}, &id).ok());
  grpc::Status s = c.Start(id);
  CHECK_FALSE(s.ok());
  CHECK(s.error_message().find("/no/such/command") != std::string::npos);
  cri::ContainerStatus st = c.Status(id);
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.reason() == "StartError");
  CHECK(st.message().find("/no/such/command") != std::string::npos);
  REQUIRE(c.Remove(id).ok());

  cri::CreateContainerRequest req;
  req.set_pod_sandbox_id(c.pod_id);
  req.mutable_config()->mutable_metadata()->set_name("noimage");
  req.mutable_config()->mutable_image()->set_image("127.0.0.1:1/nothing:here");
  cri::CreateContainerResponse resp;
  grpc::ClientContext ctx;
  CHECK(c.runtime->CreateContainer(&ctx, req, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  req.set_pod_sandbox_id("no-such-pod");
  req.mutable_config()->mutable_image()->set_image(c.image_ref);
  grpc::ClientContext ctx2;
  CHECK(c.runtime->CreateContainer(&ctx2, req, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  cri::ListContainersRequest list;
  cri::ListContainersResponse listed;
  grpc::ClientContext ctx3;
  REQUIRE(c.runtime->ListContainers(&ctx3, list, &listed).ok());
  CHECK(listed.containers_size() == 0);
}

TEST_CASE("a pod sharing its PID namespace: containers see each other, cria-pause is PID 1") {
  std::string pid_pin;
  {
    Cluster c(true);
    pid_pin = c.stack.run_dir() + "/ns/pid/" + c.pod_id;
    CHECK(RunCommand({"/usr/bin/mountpoint", "-q", pid_pin}).exit_code == 0);
    std::string a, b;
    REQUIRE(c.Create("a", {"sleep", "1000"}, &a).ok());
    REQUIRE(c.Create("b", {"sleep", "2000"}, &b).ok());
    REQUIRE(c.Start(a).ok());
    REQUIRE(c.Start(b).ok());
    grpc::Status s;
    cri::ExecSyncResponse out = c.Exec(
        a, {"sh", "-c", "for p in /proc/[0-9]*; do echo $(cat $p/cmdline) ${p#/proc/}; done"}, 10,
        &s);
    INFO(s.error_message() << out.stderr());
    REQUIRE(s.ok());
    INFO(out.stdout());
    CHECK(out.stdout().find("2000") != std::string::npos);  // b's sleep, seen from a
    CHECK(out.stdout().find("/cria-pause 1\n") != std::string::npos);
    // Stopping the pod stops its containers and its infra process.
    cri::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(c.pod_id);
    cri::StopPodSandboxResponse stopped;
    grpc::ClientContext ctx;
    REQUIRE(c.runtime->StopPodSandbox(&ctx, stop, &stopped).ok());
    CHECK(c.Status(a).state() == cri::CONTAINER_EXITED);
    CHECK(c.Status(b).state() == cri::CONTAINER_EXITED);
  }
  // The fixture removed the pod: the pin went with it.
  CHECK_FALSE(fs::exists(pid_pin));
}

TEST_CASE("an exit while cria-runtime is down is reported with its real code") {
  Cluster c;
  std::string id;
  REQUIRE(c.Create("late", {"sh", "-c", "sleep 1; exit 7"}, &id).ok());
  REQUIRE(c.Start(id).ok());
  c.stack.Kill("runtime");
  std::this_thread::sleep_for(1500ms);
  c.stack.Start("runtime");
  c.Connect();
  cri::ContainerStatus st = c.WaitExited(id);
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.exit_code() == 7);
  REQUIRE(c.Remove(id).ok());
}

}  // namespace
}  // namespace cria::testing

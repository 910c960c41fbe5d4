// Containers the way the kubelet runs them, with every real part: an image pulled from a
// docker-registry on 127.0.0.1, a pod (CNI bridge, pinned namespaces), containers created
// and started under conmon with runc, their exit codes, CRI logs, stop signals, exec, a
// start that fails, and a restart of cria-runtime that loses no exit.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cri/runtime/v1/cri_api.h"
#include "tests/support/cri_cluster.h"

namespace cria::testing {
namespace {

namespace cri = ::runtime::v1;
using namespace std::chrono_literals;

// One pod ("pod", with its log directory) in a CriCluster; at the end of each test every
// pod is removed and nothing may be left behind.
struct Cluster : CriCluster {
  std::string pod_id, log_dir;

  Cluster() : CriCluster() {
    pod_id = RunPod("pod");
    log_dir = LogDir("pod");
  }
  ~Cluster() {
    if (std::uncaught_exceptions() == 0) CheckClean();
  }
  grpc::Status Create(const std::string& name, const std::vector<std::string>& command,
                      std::string* id) {
    return CriCluster::Create(pod_id, name, command, id);
  }
};

TEST_CASE("the kubelet's path: a container that writes and exits 3") {
  Cluster c;
  std::string id;
  grpc::Status s = c.Create("writer", {"sh", "-c", "echo hello; echo oops >&2; env; exit 3"}, &id);
  INFO(s.error_message() << c.stack().Log("runtime"));
  REQUIRE(s.ok());
  cri::ContainerStatus created = c.Status(id);
  CHECK(created.state() == cri::CONTAINER_CREATED);
  CHECK(created.image_ref() == c.image_ref());
  s = c.Start(id);
  INFO(s.error_message() << c.stack().Log("runtime"));
  REQUIRE(s.ok());
  cri::ContainerStatus done = c.WaitExited(id);
  CHECK(done.state() == cri::CONTAINER_EXITED);
  CHECK(done.exit_code() == 3);
  CHECK(done.reason() == "Error");
  CHECK(done.finished_at() >= done.started_at());
  std::string log = FileText(c.log_dir + "/writer/0.log");
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
    pid_t conmon = 0;
    std::ifstream(c.stack().run_dir() + "/runtime/containers/" + polite + "/conmon.pid") >> conmon;
    REQUIRE(conmon > 0);
    std::string cgroups = FileText("/proc/" + std::to_string(conmon) + "/cgroup");
    INFO(cgroups);
    CHECK(cgroups.find("/cria-conmon\n") != std::string::npos);
    CHECK(FileText("/proc/" + std::to_string(c.stack().Pid("runtime")) + "/cgroup")
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
  CHECK(c.runtime().CreateContainer(&ctx, req, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  req.set_pod_sandbox_id("no-such-pod");
  req.mutable_config()->mutable_image()->set_image(c.image_ref());
  grpc::ClientContext ctx2;
  CHECK(c.runtime().CreateContainer(&ctx2, req, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  cri::ListContainersRequest list;
  cri::ListContainersResponse listed;
  grpc::ClientContext ctx3;
  REQUIRE(c.runtime().ListContainers(&ctx3, list, &listed).ok());
  CHECK(listed.containers_size() == 0);
}

TEST_CASE("a pod sharing its PID namespace: containers see each other, cria-pause is PID 1") {
  CriCluster c;
  const std::string pod = c.RunPod("shared", [](cri::PodSandboxConfig& config) {
    config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
        cri::POD);
  });
  const std::string pin = c.stack().run_dir() + "/ns/pid/" + pod;
  CHECK(RunCommand({"/usr/bin/mountpoint", "-q", pin}).exit_code == 0);
  std::string a = c.Run(pod, "a", {"sleep", "1000"});
  std::string b = c.Run(pod, "b", {"sleep", "2000"});
  grpc::Status s;
  cri::ExecSyncResponse out =
      c.Exec(a, {"sh", "-c", "for p in /proc/[0-9]*; do echo $(cat $p/cmdline) ${p#/proc/}; done"},
             10, &s);
  INFO(s.error_message() << out.stderr());
  REQUIRE(s.ok());
  INFO(out.stdout());
  CHECK(out.stdout().find("2000") != std::string::npos);  // b's sleep, seen from a
  CHECK(out.stdout().find("/cria-pause 1\n") != std::string::npos);
  // Stopping the pod stops its containers and its infra process; removing it unpins.
  cri::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(pod);
  cri::StopPodSandboxResponse stopped;
  grpc::ClientContext ctx;
  REQUIRE(c.runtime().StopPodSandbox(&ctx, stop, &stopped).ok());
  CHECK(c.Status(a).state() == cri::CONTAINER_EXITED);
  CHECK(c.Status(b).state() == cri::CONTAINER_EXITED);
  REQUIRE(c.RemovePod(pod).ok());
  CHECK_FALSE(std::filesystem::exists(pin));
  c.CheckClean();
}

TEST_CASE("an exit while cria-runtime is down is reported with its real code") {
  Cluster c;
  std::string id;
  REQUIRE(c.Create("late", {"sh", "-c", "sleep 1; exit 7"}, &id).ok());
  REQUIRE(c.Start(id).ok());
  c.stack().Kill("runtime");
  std::this_thread::sleep_for(1500ms);
  c.stack().Start("runtime");
  c.Connect();
  cri::ContainerStatus st = c.WaitExited(id);
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.exit_code() == 7);
  REQUIRE(c.Remove(id).ok());
}

}  // namespace
}  // namespace cria::testing

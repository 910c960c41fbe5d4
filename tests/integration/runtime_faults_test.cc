// cria-runtime's RuntimeService off the happy path, with every real part (registry, image,
// storage, network with the CNI bridge and host-local plugins, cria-pinns, conmon, runc):
// requests that fail at a late step of RunPodSandbox, CreateContainer and StartContainer,
// calls in the wrong state, calls that race each other, and kill -9 of cria-runtime in
// the middle of a pod's start or removal. Each failure must carry the right gRPC code and
// leave nothing behind: no netns, pins, pod or bundle dirs, records, name reservations,
// IPAM allocations, root filesystems, OCI runtime state, conmon or container processes.
//
// Daemons are held still where a test needs an operation to be in a given step: a daemon
// the test started is stopped with SIGSTOP (and continued), and host-local's IPAM is held
// up by taking its own lock file, as a concurrent plugin would hold it.
#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "cri/runtime/v1/cri_api.h"
#include "cria/network/v1/network.grpc.pb.h"
#include "cria/storage/v1/storage.grpc.pb.h"
#include "tests/support/cgroup_view.h"
#include "tests/support/cri_cluster.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Its own subnet and bridge prefix, so it may run beside the other cluster tests.
CriClusterOptions FaultOptions() {
  CriClusterOptions options;
  options.subnet_prefix = "10.229";
  options.bridge_prefix = "crf";
  return options;
}

// The CNI network CriCluster configures ("ctrnet") keeps host-local's allocations here.
constexpr const char* kNetwork = "ctrnet";

std::string Describe(const grpc::Status& s) {
  return "code " + std::to_string(s.error_code()) + ": " + s.error_message();
}

// The names in a directory, sorted (none when it does not exist).
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) out.push_back(entry.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

// A daemon of the stack held still with SIGSTOP until this goes out of scope.
class Paused {
 public:
  Paused(Stack& stack, const std::string& daemon) : pid_(stack.Pid(daemon)) {
    REQUIRE(pid_ > 0);
    REQUIRE(::kill(pid_, SIGSTOP) == 0);
  }
  ~Paused() { Resume(); }
  void Resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

// host-local's lock on the network's allocations, held by the test: every CNI ADD and DEL
// of the network waits in the IPAM plugin until it is released.
class IpamLock {
 public:
  explicit IpamLock(const std::string& dir) {
    fs::create_directories(dir);
    fd_ = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd_ >= 0);
    REQUIRE(::flock(fd_, LOCK_EX) == 0);
  }
  ~IpamLock() { Release(); }
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Destroyed after the cluster: a test that failed may have left mounts under the stack's
// root (pinned namespaces, a pod's /dev/shm), which the stack's removal of its root cannot
// delete. They go, and the root with them.
struct MountSweeper {
  std::string root;
  ~MountSweeper() {
    if (root.empty()) return;
    for (const std::string& point : MountPoints()) {
      if (point.rfind(root + "/", 0) == 0) ::umount2(point.c_str(), MNT_DETACH);
    }
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// A CriCluster whose tests end with its leak check and with Kept() empty.
struct Cluster : MountSweeper, CriCluster {
  Cluster() : CriCluster(FaultOptions()) { root = stack().root(); }
  ~Cluster() {
    if (std::uncaught_exceptions() == 0) {
      CheckClean();
      for (const std::string& leak : Kept()) FAIL_CHECK("kept: " << leak);
    }
  }

  std::string IpamDir() { return stack().root() + "/ipam/" + kNetwork; }

  // What the leak check of CriCluster does not look at, one line each: records of pods,
  // containers and pod networks, host-local's allocations, root filesystems in
  // cria-storage, containers in the OCI runtime's state.
  std::vector<std::string> Kept() {
    std::vector<std::string> kept;
    const std::string state = stack().state_dir();
    for (const char* dir : {"/runtime/pods", "/runtime/containers", "/network/pods"}) {
      for (const std::string& entry : Entries(state + dir)) {
        kept.push_back("record " + state + dir + "/" + entry);
      }
    }
    for (const std::string& entry : Entries(IpamDir())) {
      if (entry != "lock" && entry.rfind("last_reserved_ip", 0) != 0) {
        kept.push_back("IP allocation " + entry);
      }
    }
    for (const std::string& id : Rootfs()) kept.push_back("rootfs of " + id);
    for (const std::string& id : OciContainers()) kept.push_back("OCI runtime state of " + id);
    return kept;
  }

  // The containers in the state of the OCI runtime of every handler (its --root is
  // <run_dir>/runtime/oci/<handler>, "default" for the default one).
  std::vector<std::string> OciContainers() {
    std::vector<std::string> out;
    const std::string oci = stack().run_dir() + "/runtime/oci";
    for (const std::string& handler : Entries(oci)) {
      const std::string binary = handler == "default" ? TestOciRuntime() : handler;
      CommandResult listed =
          RunCommand({"/usr/bin/" + binary, "--root", oci + "/" + handler, "list", "-q"});
      INFO(binary << " list: " << listed.error);
      CHECK(listed.exit_code == 0);
      std::istringstream ids(listed.output);
      for (std::string id; std::getline(ids, id);) {
        if (!id.empty()) out.push_back(handler + "/" + id);
      }
    }
    return out;
  }

  // The containers cria-storage holds a root filesystem for.
  std::set<std::string> Rootfs() {
    auto stub = storage::v1::Storage::NewStub(TestChannel(stack().Socket("storage")));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    storage::v1::ListRootfsResponse response;
    grpc::Status s = stub->ListRootfs(&context, {}, &response);
    INFO(s.error_message());
    REQUIRE(s.ok());
    std::set<std::string> out;
    for (const auto& entry : response.rootfs()) out.insert(entry.container_id());
    return out;
  }

  // Everything a failed or removed pod or container could leave: CriCluster's leak check
  // and Kept().
  std::vector<std::string> Left() {
    std::vector<std::string> left = Leaks();
    for (std::string& kept : Kept()) left.push_back(std::move(kept));
    return left;
  }

  // RunPodSandbox as CriCluster::RunPod makes it, without remembering the pod (safe to
  // call from several threads at once).
  cri::RunPodSandboxRequest PodRequest(const std::string& name) const {
    cri::RunPodSandboxRequest run;
    cri::PodSandboxConfig* config = run.mutable_config();
    config->mutable_metadata()->set_name(name);
    config->mutable_metadata()->set_namespace_("default");
    config->mutable_metadata()->set_uid(name + "-uid");
    config->set_log_directory(LogDir(name));
    config->mutable_linux()->set_cgroup_parent(cgroup_parent());
    config->mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
        cri::CONTAINER);
    return run;
  }
  grpc::Status RunPodRaw(const cri::RunPodSandboxRequest& run, std::string* id = nullptr,
                         std::chrono::seconds within = 60s) {
    cri::RunPodSandboxResponse ran;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + within);
    grpc::Status s = runtime().RunPodSandbox(&ctx, run, &ran);
    if (id) *id = ran.pod_sandbox_id();
    return s;
  }
  grpc::Status StopPod(const std::string& id) {
    cri::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    cri::StopPodSandboxResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 60s);
    return runtime().StopPodSandbox(&ctx, req, &resp);
  }
  grpc::Status RemovePodRaw(const std::string& id) {
    cri::RemovePodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    cri::RemovePodSandboxResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 60s);
    return runtime().RemovePodSandbox(&ctx, req, &resp);
  }
  grpc::Status PodStatus(const std::string& id, cri::PodSandboxStatus* out = nullptr) {
    cri::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(id);
    cri::PodSandboxStatusResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 30s);
    grpc::Status s = runtime().PodSandboxStatus(&ctx, req, &resp);
    if (out) *out = resp.status();
    return s;
  }
  std::vector<cri::PodSandbox> Pods() {
    cri::ListPodSandboxResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 30s);
    REQUIRE(runtime().ListPodSandbox(&ctx, {}, &resp).ok());
    return {resp.items().begin(), resp.items().end()};
  }
  // CreateContainer of `sleep 1000` (or `command`) in a pod, from any thread.
  grpc::Status CreateRaw(const std::string& pod_id, const std::string& name, std::string* id,
                         const std::vector<std::string>& command = {"sleep", "1000"},
                         std::chrono::seconds within = 60s) {
    cri::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod_id);
    cri::ContainerConfig* c = req.mutable_config();
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(image_ref());
    for (const auto& arg : command) c->add_command(arg);
    c->set_log_path(name + "/0.log");
    cri::CreateContainerResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + within);
    grpc::Status s = runtime().CreateContainer(&ctx, req, &resp);
    if (id) *id = resp.container_id();
    return s;
  }
};

// ---------------------------------------------------------------------------------------
// RunPodSandbox failing at a later step.

// A CNI network whose chain fails after its first plugin made the veth and allocated an
// IP: tuning refuses a sysctl the kernel does not have. Lexically before the cluster's own
// conflist, so it is the network pods join while it is there.
void WriteFailingNetwork(Cluster& c) {
  std::ofstream(c.stack().CniConfigDir() + "/00-fail.conflist")
      << R"({"cniVersion": "1.0.0", "name": ")" << kNetwork << R"(", "plugins": [
           {"type": "bridge", "bridge": ")"
      << c.BridgeName() << R"(", "ipam": {"type": "host-local", "dataDir": ")" << c.stack().root()
      << R"(/ipam", "ranges": [[{"subnet": "10.229.)" << (getpid() % 250) << R"(.0/24"}]]}},
           {"type": "tuning", "sysctl": {"net.ipv4.conf.eth0.no_such_sysctl": "1"}}]})";
}

// Each step after the name reservation fails in turn, with a real part refusing: the CNI
// chain (after host-local allocated an IP), the CNI config (a plugin not installed),
// cria-network's own check, cria-pinns (while CNI ADD runs alongside), the infra process
// (its spec, and on a hybrid cgroup host crun itself under conmon). Each is undone whole.
TEST_CASE("RunPodSandbox failing at each later step leaves nothing and frees the name") {
  Cluster c;
  const std::string net_d = c.stack().CniConfigDir();
  const auto shared_pid = [](cri::RunPodSandboxRequest& run) {
    run.mutable_config()
        ->mutable_linux()
        ->mutable_security_context()
        ->mutable_namespace_options()
        ->set_pid(cri::POD);
  };
  struct Case {
    const char* what;
    std::function<void(cri::RunPodSandboxRequest&)> prepare;
    grpc::StatusCode code;
    const char* names;  // what the message must name
  };
  std::vector<Case> cases = {
      {"a CNI plugin that fails after an IP was allocated",
       [&](cri::RunPodSandboxRequest&) { WriteFailingNetwork(c); }, grpc::StatusCode::INTERNAL,
       "no_such_sysctl"},
      {"a CNI plugin that is not installed",
       [&](cri::RunPodSandboxRequest&) {
         std::ofstream(net_d + "/00-fail.conflist")
             << R"({"cniVersion": "1.0.0", "name": "missing", "plugins": [)"
             << R"({"type": "no-such-plugin"}]})";
       },
       grpc::StatusCode::FAILED_PRECONDITION, "no-such-plugin"},
      {"a port mapping cria-network refuses",
       [](cri::RunPodSandboxRequest& run) {
         auto* port = run.mutable_config()->add_port_mappings();
         port->set_container_port(80);
         port->set_host_port(70000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "70000"},
      {"cria-pinns refuses a sysctl while the network is being made",
       [](cri::RunPodSandboxRequest& run) {
         (*run.mutable_config()->mutable_linux()->mutable_sysctls())["kernel.shm_rmid_forced"] =
             "x";
       },
       grpc::StatusCode::INVALID_ARGUMENT, "kernel.shm_rmid_forced"},
      {"the infra process of a shared PID namespace, a cgroup parent the driver refuses",
       [&](cri::RunPodSandboxRequest& run) {
         run.mutable_config()->mutable_linux()->set_cgroup_parent("kubepods.slice");
         shared_pid(run);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "kubepods.slice"},
  };
  if (TestOciRuntime() == "runc" && HybridCgroup2HasControllers()) {
    // crun 1.8 refuses this host (docs/runtime.md): conmon ran it, and its create failed.
    cases.push_back({"the infra process under conmon: crun's create fails",
                     [&](cri::RunPodSandboxRequest& run) {
                       run.set_runtime_handler("crun");
                       shared_pid(run);
                     },
                     grpc::StatusCode::FAILED_PRECONDITION, "hybrid"});
  }
  for (const Case& k : cases) {
    INFO(k.what);
    cri::RunPodSandboxRequest run = c.PodRequest("web");
    k.prepare(run);
    std::string id;
    grpc::Status s = c.RunPodRaw(run, &id);
    INFO(Describe(s));
    CHECK(s.error_code() == k.code);
    CHECK(s.error_message().find(k.names) != std::string::npos);
    fs::remove(net_d + "/00-fail.conflist");
    CHECK(c.Pods().empty());
    for (const std::string& leak : c.Left()) FAIL_CHECK("left: " << leak);
    if (s.ok()) REQUIRE(c.RemovePodRaw(id).ok());
  }
  // The name is free again, and a pod of that name runs.
  const std::string id = c.RunPod("web");
  cri::PodSandboxStatus status;
  REQUIRE(c.PodStatus(id, &status).ok());
  CHECK(status.state() == cri::SANDBOX_READY);
  CHECK_FALSE(status.network().ip().empty());
}

// ---------------------------------------------------------------------------------------
// CreateContainer failing after the rootfs was made.

TEST_CASE("CreateContainer failing late leaves no rootfs, bundle, record or name") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  const std::string seccomp = c.stack().root() + "/bad-seccomp.json";
  std::ofstream(seccomp) << R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)";
  struct Case {
    const char* what;
    CriCluster::ContainerEdit edit;
    grpc::StatusCode code;
    std::string names;  // what the message must name
  };
  const std::vector<Case> cases = {
      {"an image that is not there",
       [](cri::ContainerConfig& config) { config.mutable_image()->set_image("cria/none:1"); },
       grpc::StatusCode::NOT_FOUND, "cria/none:1"},
      {"a mount at a relative path",
       [](cri::ContainerConfig& config) {
         auto* m = config.add_mounts();
         m->set_container_path("relative/dir");
         m->set_host_path("/tmp");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "relative/dir"},
      {"a user the image does not have",
       [](cri::ContainerConfig& config) {
         config.mutable_linux()->mutable_security_context()->set_run_as_username("nosuchuser");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "nosuchuser"},
      {"a Localhost seccomp profile that is not JSON",
       [&](cri::ContainerConfig& config) {
         auto* p = config.mutable_linux()->mutable_security_context()->mutable_seccomp();
         p->set_profile_type(cri::SecurityProfile::Localhost);
         p->set_localhost_ref(seccomp);
       },
       grpc::StatusCode::INVALID_ARGUMENT, seccomp},
      {"a Localhost seccomp profile that is not there",
       [&](cri::ContainerConfig& config) {
         auto* p = config.mutable_linux()->mutable_security_context()->mutable_seccomp();
         p->set_profile_type(cri::SecurityProfile::Localhost);
         p->set_localhost_ref(seccomp + ".none");
       },
       grpc::StatusCode::NOT_FOUND, seccomp + ".none"},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    std::string id;
    grpc::Status s = c.Create(pod, "app", {"sleep", "1000"}, &id, k.edit);
    INFO(Describe(s));
    CHECK(s.error_code() == k.code);
    CHECK(s.error_message().find(k.names) != std::string::npos);
    CHECK(c.List().empty());
    CHECK(c.Rootfs().empty());
    CHECK(Entries(c.stack().run_dir() + "/runtime/containers").empty());
    CHECK(Entries(c.stack().state_dir() + "/runtime/containers").empty());
  }
  // The name was released each time: the same container can be made now.
  const std::string id = c.Run(pod, "app", {"sleep", "1000"});
  CHECK(c.Status(id).state() == cri::CONTAINER_RUNNING);
  REQUIRE(c.Remove(id).ok());
}

// ---------------------------------------------------------------------------------------
// StartContainer failing.

// The OCI runtime's create fails under conmon: the container is EXITED with StartError, no
// conmon or container process is left, the runtime holds no state of it, and a second
// start is refused. RemoveContainer then takes the rest (rootfs, bundle, cgroups).
TEST_CASE("StartContainer failing leaves no conmon or runtime state; Remove cleans up") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  struct Case {
    const char* what;
    std::vector<std::string> command;
    CriCluster::ContainerEdit edit;
    std::string names;  // what the messages must name
  };
  const std::vector<Case> cases = {
      {"a command that does not exist", {"/no/such/command"}, {}, "/no/such/command"},
      // crun's message does not name the command.
      {"a command that is a directory",
       {"/etc"},
       {},
       TestOciRuntime() == "crun" ? "open executable" : "/etc"},
      {"a working dir that is a file",
       {"true"},
       [](cri::ContainerConfig& config) { config.set_working_dir("/etc/passwd"); },
       "/etc/passwd"},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    std::string id;
    REQUIRE(c.Create(pod, "app", k.command, &id, k.edit).ok());
    grpc::Status s = c.Start(id);
    INFO(Describe(s));
    CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(s.error_message().find(k.names) != std::string::npos);
    cri::ContainerStatus st = c.Status(id);
    CHECK(st.state() == cri::CONTAINER_EXITED);
    CHECK(st.reason() == "StartError");
    CHECK(st.exit_code() == 128);
    CHECK(st.message().find(k.names) != std::string::npos);
    for (const std::string& leak : c.Leaks()) {
      // The pod's own, and what goes with the container at RemoveContainer: its rootfs
      // mount, bundle and conmon's attach link.
      if (leak.find(pod) != std::string::npos) continue;
      if (leak.find("mount " + c.stack().state_dir() + "/storage/") == 0) continue;
      if (leak.find("/runtime/containers/" + id) != std::string::npos) continue;
      if (leak.find("/runtime/attach/" + id) != std::string::npos) continue;
      FAIL_CHECK("left by a failed start: " << leak);
    }
    CHECK(c.OciContainers().empty());
    CHECK(c.Start(id).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(c.Status(id).reason() == "StartError");
    REQUIRE(c.Remove(id).ok());
    CHECK(c.List().empty());
    CHECK(c.Rootfs().empty());
  }
}

// ---------------------------------------------------------------------------------------
// Calls in the wrong state.

TEST_CASE("calls on containers and pods in the wrong state get their code") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  std::string created;
  REQUIRE(c.Create(pod, "created", {"sleep", "1000"}, &created).ok());
  const std::string exited = c.Run(pod, "exited", {"true"});
  REQUIRE(c.WaitExited(exited).state() == cri::CONTAINER_EXITED);
  const std::string running = c.Run(pod, "running", {"sleep", "1000"});

  // StartContainer of a started container.
  CHECK(c.Start(running).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.Start(exited).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  // ExecSync and ReopenContainerLog of containers not running; UpdateContainerResources of
  // an exited one (a created one takes it into its spec: container_security_test).
  cri::LinuxContainerResources resources;
  resources.set_cpu_shares(512);
  for (const std::string& id : {created, exited}) {
    INFO(id);
    grpc::Status s;
    c.Exec(id, {"true"}, 5, &s);
    CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(c.ReopenLog(id).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  }
  CHECK(c.Update(exited, resources).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  {
    grpc::Status s;
    c.Exec(running, {}, 5, &s);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Ids nobody has: NotFound, except where the CRI makes the call idempotent.
  const std::string unknown(64, 'f');
  {
    cri::ContainerStatusRequest req;
    req.set_container_id(unknown);
    cri::ContainerStatusResponse resp;
    grpc::ClientContext ctx;
    CHECK(c.runtime().ContainerStatus(&ctx, req, &resp).error_code() ==
          grpc::StatusCode::NOT_FOUND);
  }
  CHECK(c.PodStatus(unknown).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.Start(unknown).error_code() == grpc::StatusCode::NOT_FOUND);
  {
    grpc::Status s;
    c.Exec(unknown, {"true"}, 5, &s);
    CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  }
  CHECK(c.Update(unknown, resources).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.ReopenLog(unknown).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.Create(unknown, "app", {"true"}, nullptr).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.Remove(unknown).ok());
  CHECK(c.StopPod(unknown).ok());
  CHECK(c.RemovePodRaw(unknown).ok());

  // A stopped pod: its containers stopped, no new one in it, no resize; stop again is OK.
  REQUIRE(c.StopPod(pod).ok());
  cri::PodSandboxStatus status;
  REQUIRE(c.PodStatus(pod, &status).ok());
  CHECK(status.state() == cri::SANDBOX_NOTREADY);
  CHECK(c.Status(running).state() == cri::CONTAINER_EXITED);
  CHECK(c.Create(pod, "late", {"sleep", "1000"}, nullptr).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.Rootfs().size() == 3);
  {
    cri::UpdatePodSandboxResourcesRequest req;
    req.set_pod_sandbox_id(pod);
    req.mutable_resources()->set_cpu_shares(512);
    cri::UpdatePodSandboxResourcesResponse resp;
    grpc::ClientContext ctx;
    CHECK(c.runtime().UpdatePodSandboxResources(&ctx, req, &resp).error_code() ==
          grpc::StatusCode::FAILED_PRECONDITION);
  }
  CHECK(c.StopPod(pod).ok());

  // Removed: its containers went with it; a list naming it is empty.
  REQUIRE(c.RemovePod(pod).ok());
  cri::ContainerFilter by_pod;
  by_pod.set_pod_sandbox_id(pod);
  CHECK(c.List(by_pod).empty());
  CHECK(c.List().empty());
  CHECK(c.PodStatus(pod).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.Create(pod, "after", {"true"}, nullptr).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(c.RemovePodRaw(pod).ok());
}

// ---------------------------------------------------------------------------------------
// Races.

// The pid in conmon's pid file in a container's bundle.
pid_t ConmonPid(Cluster& c, const std::string& id) {
  std::ifstream in(c.stack().run_dir() + "/runtime/containers/" + id + "/conmon.pid");
  pid_t pid = 0;
  in >> pid;
  REQUIRE(pid > 0);
  return pid;
}

// conmon killed (the OOM killer, an operator) while its container runs: nothing watches the
// container any more and nothing will write its exit. It is UNKNOWN, and a stop (the
// kubelet's answer to UNKNOWN, before it starts another) kills what still runs.
TEST_CASE("a container whose conmon was killed: UNKNOWN, and a stop kills what still runs") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  const std::string alone = c.Run(pod, "alone", {"sleep", "1000"});
  const std::string in_pod = c.Run(pod, "inpod", {"sleep", "1000"});
  for (const std::string& id : {alone, in_pod}) {
    REQUIRE(::kill(ConmonPid(c, id), SIGKILL) == 0);
  }
  for (const std::string& id : {alone, in_pod}) {
    REQUIRE(Eventually([&] { return c.Status(id).state() == cri::CONTAINER_UNKNOWN; }));
    cri::ContainerStatus status = c.Status(id);
    CHECK(status.reason() == "Unknown");
    CHECK(status.message().find("still run") != std::string::npos);
    CHECK(c.ContainerProcesses(id).size() == 1);  // its sleep
  }
  grpc::Status exec;
  c.Exec(alone, {"true"}, 5, &exec);
  CHECK(exec.error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  REQUIRE(c.Stop(alone, 10).ok());
  CHECK(c.ContainerProcesses(alone).empty());
  cri::ContainerStatus stopped = c.Status(alone);
  CHECK(stopped.state() == cri::CONTAINER_EXITED);
  CHECK(stopped.exit_code() == 255);
  CHECK(stopped.reason() == "Unknown");
  CHECK(stopped.message().find("killed") != std::string::npos);
  CHECK(stopped.finished_at() >= stopped.started_at());
  REQUIRE(c.Stop(alone, 10).ok());  // stopped already: nothing to do
  CHECK(c.Status(alone).finished_at() == stopped.finished_at());

  // The other one with its pod, as the kubelet stops a pod.
  REQUIRE(c.StopPod(pod).ok());
  CHECK(c.ContainerProcesses(in_pod).empty());
  CHECK(c.Status(in_pod).state() == cri::CONTAINER_EXITED);
  CHECK(c.Status(in_pod).exit_code() == 255);

  // Both records survive a restart as they are.
  c.stack().Kill("runtime");
  c.stack().Start("runtime");
  c.Connect();
  CHECK(c.Status(alone).state() == cri::CONTAINER_EXITED);
  CHECK(c.Status(alone).finished_at() == stopped.finished_at());
  REQUIRE(c.RemovePod(pod).ok());
}

// The kubelet gives up on a RunPodSandbox or CreateContainer that outlasts its deadline and
// asks again for the same name. The call goes on; what it made after the deadline is the
// answer to the retry (as CRI-O's resource store hands it over), once. A retry that comes
// while the first call is still at work waits for it, and answers AlreadyExists shortly
// before its own deadline if the first is not done by then.
TEST_CASE("a pod or container made after its caller's deadline is the retry's answer") {
  Cluster c;
  // A retry waiting while the first call still waits for cria-network.
  const cri::RunPodSandboxRequest waited = c.PodRequest("waited");
  std::future<std::pair<grpc::Status, std::string>> retry;
  {
    Paused network(c.stack(), "network");
    CHECK(c.RunPodRaw(waited, nullptr, 2s).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    const auto asked = Clock::now();
    CHECK(c.RunPodRaw(waited, nullptr, 3s).error_code() == grpc::StatusCode::ALREADY_EXISTS);
    CHECK(Clock::now() - asked > 1500ms);  // it did wait
    retry = std::async(std::launch::async, [&] {
      std::string id;
      grpc::Status s = c.RunPodRaw(waited, &id);
      return std::make_pair(s, id);
    });
    std::this_thread::sleep_for(500ms);
  }
  auto [waited_status, waited_id] = retry.get();
  INFO(Describe(waited_status));
  REQUIRE(waited_status.ok());
  REQUIRE(c.Pods().size() == 1);
  CHECK(c.Pods()[0].id() == waited_id);
  CHECK(c.Pods()[0].state() == cri::SANDBOX_READY);
  CHECK(c.RunPodRaw(waited).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(c.RemovePodRaw(waited_id).ok());

  // A retry after the first call is done.
  const cri::RunPodSandboxRequest run = c.PodRequest("late");
  {
    Paused network(c.stack(), "network");
    CHECK(c.RunPodRaw(run, nullptr, 2s).error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  std::vector<cri::PodSandbox> pods;
  REQUIRE(Eventually([&] {
    pods = c.Pods();
    return pods.size() == 1 && pods[0].state() == cri::SANDBOX_READY;
  }));
  std::string pod;
  grpc::Status s = c.RunPodRaw(run, &pod);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(pod == pods[0].id());
  CHECK(c.Pods().size() == 1);
  CHECK(c.RunPodRaw(run).error_code() == grpc::StatusCode::ALREADY_EXISTS);

  {
    Paused storage(c.stack(), "storage");
    CHECK(c.CreateRaw(pod, "app", nullptr, {"sleep", "1000"}, 2s).error_code() ==
          grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  std::vector<cri::Container> listed;
  REQUIRE(Eventually([&] {
    listed = c.List();
    return listed.size() == 1 && listed[0].state() == cri::CONTAINER_CREATED;
  }));
  std::string ctr;
  s = c.CreateRaw(pod, "app", &ctr);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(ctr == listed[0].id());
  CHECK(c.CreateRaw(pod, "app", nullptr).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(c.Start(ctr).ok());
  CHECK(c.List().size() == 1);
  REQUIRE(c.RemovePodRaw(pod).ok());
}

TEST_CASE("the same pod or container name twice at once: exactly one wins") {
  Cluster c;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<std::pair<grpc::Status, std::string>>> runs;
    for (int i = 0; i < 2; ++i) {
      runs.push_back(std::async(std::launch::async, [&c] {
        std::string id;
        grpc::Status s = c.RunPodRaw(c.PodRequest("twin"), &id);
        return std::make_pair(s, id);
      }));
    }
    std::vector<std::string> won;
    for (auto& run : runs) {
      auto [s, id] = run.get();
      INFO(Describe(s));
      if (s.ok()) {
        won.push_back(id);
      } else {
        CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
        CHECK(s.error_message().find("k8s_POD_twin_default_twin-uid_0") != std::string::npos);
      }
    }
    CHECK(won.size() == 1);
    CHECK(c.Pods().size() == won.size());
    for (const std::string& id : won) REQUIRE(c.RemovePodRaw(id).ok());
  }
  const std::string pod = c.RunPod("pod");
  std::vector<std::future<std::pair<grpc::Status, std::string>>> creates;
  for (int i = 0; i < 2; ++i) {
    creates.push_back(std::async(std::launch::async, [&c, &pod] {
      std::string id;
      grpc::Status s = c.CreateRaw(pod, "twin", &id);
      return std::make_pair(s, id);
    }));
  }
  int won = 0;
  for (auto& create : creates) {
    auto [s, id] = create.get();
    INFO(Describe(s));
    if (s.ok()) ++won;
    if (!s.ok()) CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  }
  CHECK(won == 1);
  CHECK(c.List().size() == 1);
  CHECK(c.Rootfs().size() == 1);
}

// cria-storage held still makes the first removal wait in it, with the container's lock
// held, while the second call comes in.
TEST_CASE("RemoveContainer twice at once: the container and all it had are gone") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  const std::string id = c.Run(pod, "app", {"sleep", "1000"});
  std::future<grpc::Status> first, second;
  {
    Paused storage(c.stack(), "storage");
    first = std::async(std::launch::async, [&] { return c.Remove(id); });
    std::this_thread::sleep_for(300ms);
    second = std::async(std::launch::async, [&] { return c.Remove(id); });
    std::this_thread::sleep_for(300ms);
  }
  grpc::Status a = first.get(), b = second.get();
  INFO(Describe(a) << " / " << Describe(b));
  // Both succeed: removing a removed container is OK in the CRI, also while another call
  // is still removing it.
  CHECK(a.ok());
  CHECK(b.ok());
  CHECK(c.List().empty());
  CHECK(c.Rootfs().empty());
  CHECK(c.Remove(id).ok());
}

TEST_CASE("StopContainer racing the container's own exit") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  for (int i = 0; i < 6; ++i) {
    const std::string id = c.Run(pod, "racer" + std::to_string(i), {"sh", "-c", "exit 3"});
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * i));
    grpc::Status s = c.Stop(id, i % 2);
    INFO(Describe(s));
    CHECK(s.ok());
    cri::ContainerStatus st = c.Status(id);
    CHECK(st.state() == cri::CONTAINER_EXITED);
    CHECK((st.exit_code() == 3 || st.exit_code() == 137));
    CHECK(c.Stop(id, 0).ok());
    REQUIRE(c.Remove(id).ok());
  }
}

TEST_CASE("StartContainer racing RemoveContainer leaves nothing running") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  for (int i = 0; i < 6; ++i) {
    std::string id;
    REQUIRE(c.Create(pod, "app" + std::to_string(i), {"sleep", "1000"}, &id).ok());
    auto started = std::async(std::launch::async, [&] { return c.Start(id); });
    std::this_thread::sleep_for(std::chrono::milliseconds(3 * i));
    grpc::Status removed = c.Remove(id);
    grpc::Status s = started.get();
    INFO(Describe(s) << " / " << Describe(removed));
    CHECK(removed.ok());
    // The start either came first or found the container gone.
    if (!s.ok()) CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(c.List().empty());
  }
}

TEST_CASE("10 pods started at once, then removed at once") {
  Cluster c;
  constexpr int kPods = 10;
  std::vector<std::future<std::pair<grpc::Status, std::string>>> runs;
  for (int i = 0; i < kPods; ++i) {
    runs.push_back(std::async(std::launch::async, [&c, i] {
      std::string pod, ctr;
      grpc::Status s = c.RunPodRaw(c.PodRequest("p" + std::to_string(i)), &pod);
      if (s.ok()) s = c.CreateRaw(pod, "app", &ctr);
      if (s.ok()) s = c.Start(ctr);
      return std::make_pair(s, pod);
    }));
  }
  std::vector<std::string> pods;
  for (auto& run : runs) {
    auto [s, pod] = run.get();
    INFO(Describe(s));
    CHECK(s.ok());
    if (!pod.empty()) pods.push_back(pod);
  }
  CHECK(c.List().size() == kPods);
  std::set<std::string> ips;
  for (const std::string& pod : pods) {
    cri::PodSandboxStatus status;
    REQUIRE(c.PodStatus(pod, &status).ok());
    CHECK(status.state() == cri::SANDBOX_READY);
    ips.insert(status.network().ip());
  }
  CHECK(ips.size() == kPods);
  std::vector<std::future<grpc::Status>> removals;
  for (const std::string& pod : pods) {
    removals.push_back(std::async(std::launch::async, [&c, pod] { return c.RemovePodRaw(pod); }));
  }
  for (auto& removal : removals) {
    grpc::Status s = removal.get();
    INFO(Describe(s));
    CHECK(s.ok());
  }
  CHECK(c.Pods().empty());
  CHECK(c.List().empty());
}

// The kubelet's garbage collection removes a pod's containers while it removes the pod.
TEST_CASE("RemoveContainer racing RemovePodSandbox: the pod and its container go") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  std::string id;
  REQUIRE(c.Create(pod, "app", {"sleep", "1000"}, &id).ok());
  std::future<grpc::Status> container, sandbox;
  {
    Paused storage(c.stack(), "storage");
    container = std::async(std::launch::async, [&] { return c.Remove(id); });
    std::this_thread::sleep_for(300ms);
    sandbox = std::async(std::launch::async, [&] { return c.RemovePodRaw(pod); });
    std::this_thread::sleep_for(300ms);
  }
  grpc::Status a = container.get(), b = sandbox.get();
  INFO(Describe(a) << " / " << Describe(b));
  CHECK(a.ok());
  CHECK(b.ok());
  CHECK(c.Pods().empty());
  CHECK(c.List().empty());
}

// cria-network held still keeps the pod's removal (or stop) in its CNI DEL; the container
// call comes in meanwhile.
TEST_CASE("CreateContainer racing RemovePodSandbox: the removal takes everything") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  std::future<grpc::Status> removed, created;
  std::string id;
  {
    Paused network(c.stack(), "network");
    removed = std::async(std::launch::async, [&] { return c.RemovePodRaw(pod); });
    std::this_thread::sleep_for(300ms);
    // The creation waits in cria-storage until the removal has finished.
    Paused storage(c.stack(), "storage");
    created = std::async(std::launch::async, [&] { return c.CreateRaw(pod, "late", &id); });
    std::this_thread::sleep_for(300ms);
    network.Resume();
    REQUIRE(removed.wait_for(30s) == std::future_status::ready);
  }
  grpc::Status r = removed.get(), s = created.get();
  INFO(Describe(r) << " / " << Describe(s));
  CHECK(r.ok());
  CHECK(c.PodStatus(pod).error_code() == grpc::StatusCode::NOT_FOUND);
  // The pod was NOTREADY from the removal's first step: no container is made in it.
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.List().empty());
  CHECK(c.Rootfs().empty());
}

TEST_CASE("CreateContainer and StartContainer racing StopPodSandbox: the pod can be removed") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  std::future<grpc::Status> stopped;
  std::string id;
  grpc::Status created, started;
  {
    Paused network(c.stack(), "network");
    stopped = std::async(std::launch::async, [&] { return c.StopPod(pod); });
    std::this_thread::sleep_for(300ms);
    created = c.CreateRaw(pod, "late", &id);
    if (created.ok()) started = c.Start(id);
  }
  grpc::Status s = stopped.get();
  INFO(Describe(s) << " / " << Describe(created) << " / " << Describe(started));
  CHECK(s.ok());
  cri::PodSandboxStatus status;
  REQUIRE(c.PodStatus(pod, &status).ok());
  CHECK(status.state() == cri::SANDBOX_NOTREADY);
  // The pod was NOTREADY from the stop's first step: no container is made in it.
  CHECK(created.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.List().empty());
  REQUIRE(c.RemovePod(pod).ok());
  CHECK(c.List().empty());
}

// ---------------------------------------------------------------------------------------
// kill -9 of cria-runtime in the middle of a pod's start or removal. host-local's lock,
// held by the test, keeps CNI ADD or DEL waiting at a known step.

TEST_CASE("kill -9 during RunPodSandbox: the pod is not there after the restart, its name free") {
  Cluster c;
  std::future<grpc::Status> run;
  std::string interrupted;
  {
    IpamLock ipam(c.IpamDir());
    run = std::async(std::launch::async, [&] { return c.RunPodRaw(c.PodRequest("web")); });
    // The pod's dir, pinned namespaces and netns are made; CNI ADD waits for IPAM.
    REQUIRE(Eventually([&] {
      return Entries(c.stack().run_dir() + "/netns").size() == 1 &&
             Entries(c.stack().run_dir() + "/ns/uts").size() == 1;
    }));
    interrupted = Entries(c.stack().run_dir() + "/ns/uts").at(0);
    c.stack().Kill("runtime");
  }
  CHECK(run.get().error_code() == grpc::StatusCode::UNAVAILABLE);
  // cria-network finishes the ADD it was asked for.
  REQUIRE(Eventually([&] {
    return Entries(c.stack().state_dir() + "/network/pods").size() == 1 &&
           Entries(c.IpamDir()).size() >= 3;
  }));
  c.stack().Start("runtime");
  c.Connect();
  CHECK(c.Pods().empty());
  // The kubelet runs the pod again: the name is free, and the pod works.
  const std::string id = c.RunPod("web");
  std::string ctr = c.Run(id, "app", {"sleep", "1000"});
  CHECK(c.Status(ctr).state() == cri::CONTAINER_RUNNING);
  REQUIRE(c.RemovePod(id).ok());
  // What the interrupted start made went at the restart (the network once cria-network
  // answered): run dir, /dev/shm, pinned namespaces, netns, cria-network's record and the
  // address host-local had given it.
  const std::string run_dir = c.stack().run_dir();
  CHECK(Eventually([&] {
    return Entries(c.stack().state_dir() + "/network/pods").empty() &&
           Entries(run_dir + "/netns").empty();
  }));
  CHECK(Entries(run_dir + "/runtime/pods").empty());
  CHECK(Entries(run_dir + "/ns/ipc").empty());
  CHECK(Entries(run_dir + "/ns/uts").empty());
  for (const std::string& point : MountPoints())
    CHECK(point.find(interrupted) == std::string::npos);
}

TEST_CASE("kill -9 during StopPodSandbox or RemovePodSandbox: afterwards the pod can be removed") {
  for (const bool remove : {false, true}) {
    INFO((remove ? "RemovePodSandbox" : "StopPodSandbox"));
    Cluster c;
    const std::string pod = c.RunPod("pod");
    const std::string running = c.Run(pod, "running", {"sleep", "1000"});
    std::string created;
    REQUIRE(c.Create(pod, "created", {"sleep", "1000"}, &created).ok());
    std::future<grpc::Status> call;
    {
      IpamLock ipam(c.IpamDir());
      call = std::async(std::launch::async,
                        [&] { return remove ? c.RemovePodRaw(pod) : c.StopPod(pod); });
      // The containers are stopped first, then CNI DEL waits for IPAM.
      REQUIRE(Eventually([&] { return c.Status(running).state() == cri::CONTAINER_EXITED; }));
      std::this_thread::sleep_for(200ms);
      c.stack().Kill("runtime");
    }
    CHECK(call.get().error_code() == grpc::StatusCode::UNAVAILABLE);
    // cria-network finishes the DEL.
    REQUIRE(Eventually([&] { return Entries(c.stack().state_dir() + "/network/pods").empty(); }));
    c.stack().Start("runtime");
    c.Connect();
    cri::PodSandboxStatus status;
    REQUIRE(c.PodStatus(pod, &status).ok());
    // NOTREADY was recorded before anything went: the pod does not come back READY.
    CHECK(status.state() == cri::SANDBOX_NOTREADY);
    std::string late;
    CHECK(c.CreateRaw(pod, "late", &late).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(c.Status(running).state() == cri::CONTAINER_EXITED);
    CHECK(c.Status(created).state() == cri::CONTAINER_CREATED);
    if (!remove) REQUIRE(c.StopPod(pod).ok());
    REQUIRE(c.RemovePod(pod).ok());
    CHECK(c.List().empty());
    CHECK(c.Pods().empty());
  }
}

// A node restart ends every process, and their pids name others afterwards: a container
// recorded RUNNING in an earlier boot is EXITED (code 255, reason Unknown) when cria-runtime
// starts in a new one, whatever process its old conmon pid names now. A reboot cannot be
// made here, so it is made up while cria-runtime is down: the container and its conmon
// killed and deleted from the OCI runtime, and its record given another boot id and, as
// its conmon and container pids, the pid of a live process (this test).
TEST_CASE("a container recorded RUNNING in an earlier boot is EXITED after the restart") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  const std::string id = c.Run(pod, "app", {"sleep", "1000"});
  const std::string kept = c.Run(pod, "kept", {"sleep", "1000"});
  c.stack().Kill("runtime");
  REQUIRE(::kill(ConmonPid(c, id), SIGKILL) == 0);
  const std::string root = c.stack().run_dir() + "/runtime/oci/default";
  REQUIRE(RunCommand({"/usr/bin/" + TestOciRuntime(), "--root", root, "delete", "--force", id})
              .exit_code == 0);
  ::unlink((c.stack().run_dir() + "/runtime/exits/" + id).c_str());
  const std::string file = c.stack().state_dir() + "/runtime/containers/" + id + ".json";
  rapidjson::Document record;
  record.Parse(FileText(file).c_str());
  REQUIRE(record.IsObject());
  REQUIRE(record.HasMember("boot_id"));
  CHECK(std::string(record["boot_id"].GetString()) ==
        Trim(FileText("/proc/sys/kernel/random/boot_id")));
  record["boot_id"].SetString("an-earlier-boot");
  record["conmon_pid"].SetInt64(::getpid());
  record["pid"].SetInt64(::getpid());
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  record.Accept(writer);
  std::ofstream(file, std::ios::trunc) << text.GetString();

  c.stack().Start("runtime");
  c.Connect();
  cri::ContainerStatus status = c.Status(id);
  CHECK(status.state() == cri::CONTAINER_EXITED);
  CHECK(status.exit_code() == 255);
  CHECK(status.reason() == "Unknown");
  CHECK(status.message().find("an-earlier-boot") != std::string::npos);
  CHECK(c.Status(kept).state() == cri::CONTAINER_RUNNING);  // this boot's: as it was
  REQUIRE(c.Stop(id, 0).ok());
  REQUIRE(c.Remove(id).ok());
  REQUIRE(c.RemovePod(pod).ok());
}

// kill -9 while RemoveContainer waits in cria-storage, the OCI runtime's state already
// deleted: after the restart the container is there, EXITED, and its removal finishes.
TEST_CASE("kill -9 during RemoveContainer: afterwards the container can be removed") {
  Cluster c;
  const std::string pod = c.RunPod("pod");
  const std::string id = c.Run(pod, "app", {"sleep", "1000"});
  REQUIRE(c.OciContainers() == std::vector<std::string>{"default/" + id});
  std::future<grpc::Status> removed;
  {
    Paused storage(c.stack(), "storage");
    removed = std::async(std::launch::async, [&] { return c.Remove(id); });
    REQUIRE(Eventually([&] { return c.OciContainers().empty(); }));
    std::this_thread::sleep_for(200ms);
    c.stack().Kill("runtime");
  }
  CHECK(removed.get().error_code() == grpc::StatusCode::UNAVAILABLE);
  c.stack().Start("runtime");
  c.Connect();
  std::vector<cri::Container> listed = c.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state() == cri::CONTAINER_EXITED);
  REQUIRE(c.Remove(id).ok());
  CHECK(c.List().empty());
}

}  // namespace
}  // namespace cria::testing

// Pod sandboxes through the CRI socket with the real cria-runtime, cria-network (CNI
// bridge + host-local) and cria-pinns: what a pod gets, name reservation, stop and
// remove that leave nothing, bad input that leaks nothing, and a restart that keeps pods.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "cri/runtime/v1/cri_api.h"
#include "libs/testing/temp_dir.h"
#include "tests/support/cri_cluster.h"
#include "tests/support/stack.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;

std::string BridgeName() { return "crp" + std::to_string(getpid() % 100000); }
std::string Subnet() { return "10.226." + std::to_string(getpid() % 250) + ".0/24"; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsMountPoint(const std::string& path) {
  return RunCommand({"/usr/bin/mountpoint", "-q", path}).exit_code == 0;
}

struct Pods {
  Stack stack;
  std::unique_ptr<cri::RuntimeService::Stub> cri;

  // `runtime_yaml`: more keys of the runtime section ("  key: value\n" lines).
  explicit Pods(const std::string& runtime_yaml = "") {
    stack.WritePodNetworkConfig("podnet", BridgeName(), Subnet(), runtime_yaml);
    stack.StartAll();
    Connect();
  }
  ~Pods() {
    stack.Terminate("runtime");
    stack.Terminate("network");
    RunCommand({"/usr/sbin/ip", "link", "del", BridgeName()});
  }
  void Connect() { cri = cri::RuntimeService::NewStub(TestChannel(stack.Socket("gateway"))); }

  static cri::PodSandboxConfig Config(const std::string& name) {
    cri::PodSandboxConfig config;
    config.mutable_metadata()->set_name(name);
    config.mutable_metadata()->set_namespace_("default");
    config.mutable_metadata()->set_uid("uid-" + name);
    config.set_hostname(name + "-host");
    (*config.mutable_labels())["app"] = name;
    config.mutable_dns_config()->add_servers("10.0.0.10");
    config.mutable_dns_config()->add_searches("default.svc.cluster.local");
    config.mutable_dns_config()->add_options("ndots:5");
    (*config.mutable_linux()->mutable_sysctls())["kernel.shm_rmid_forced"] = "1";
    // As the kubelet sends it for a pod without shareProcessNamespace (POD is 0, the
    // proto default).
    config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
        cri::CONTAINER);
    return config;
  }
  grpc::Status Run(const cri::PodSandboxConfig& config, std::string* id,
                   const std::string& handler = "") {
    cri::RunPodSandboxRequest req;
    *req.mutable_config() = config;
    req.set_runtime_handler(handler);
    cri::RunPodSandboxResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    grpc::Status s = cri->RunPodSandbox(&ctx, req, &resp);
    if (id) *id = resp.pod_sandbox_id();
    return s;
  }
  grpc::Status Status(const std::string& id, cri::PodSandboxStatusResponse* resp) {
    cri::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(id);
    req.set_verbose(true);
    grpc::ClientContext ctx;
    return cri->PodSandboxStatus(&ctx, req, resp);
  }
  grpc::Status Stop(const std::string& id) {
    cri::StopPodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    cri::StopPodSandboxResponse resp;
    grpc::ClientContext ctx;
    return cri->StopPodSandbox(&ctx, req, &resp);
  }
  grpc::Status Remove(const std::string& id) {
    cri::RemovePodSandboxRequest req;
    req.set_pod_sandbox_id(id);
    cri::RemovePodSandboxResponse resp;
    grpc::ClientContext ctx;
    return cri->RemovePodSandbox(&ctx, req, &resp);
  }
  std::vector<cri::PodSandbox> List(const cri::PodSandboxFilter* filter = nullptr) {
    cri::ListPodSandboxRequest req;
    if (filter) *req.mutable_filter() = *filter;
    cri::ListPodSandboxResponse resp;
    grpc::ClientContext ctx;
    REQUIRE(cri->ListPodSandbox(&ctx, req, &resp).ok());
    return {resp.items().begin(), resp.items().end()};
  }
  // What pods left behind: pins and records in the run dir, mounts under the stack's root
  // and conmon processes of this stack (an infra container's).
  std::string Leftovers() {
    std::string out;
    for (const std::string& point : MountPoints()) {
      if (point.rfind(stack.root() + "/", 0) == 0) out += "mount " + point + " ";
    }
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string pid = e.path().filename();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      if (ReadAll(e.path() / "comm") != "conmon\n") continue;
      if (ReadAll(e.path() / "cmdline").find(stack.root()) != std::string::npos) {
        out += "conmon " + pid + " ";
      }
    }
    for (const char* sub :
         {"/ns/ipc", "/ns/uts", "/ns/pid", "/netns", "/runtime/pods", "/runtime/exits"}) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(stack.run_dir() + sub, ec)) {
        out += e.path().string() + " ";
      }
    }
    // cria-network's records: a pod whose start failed after its network was made has
    // none left.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(stack.state_dir() + "/network/pods", ec)) {
      out += e.path().string() + " ";
    }
    return out;
  }
};

TEST_CASE("a pod: namespaces, network, files; stop and remove leave nothing") {
  Pods pods;
  std::string id;
  grpc::Status s = pods.Run(Pods::Config("web"), &id);
  INFO(s.error_message() << "\n" << pods.stack.Log("runtime") << pods.stack.Log("network"));
  REQUIRE(s.ok());
  REQUIRE(id.size() == 64);

  cri::PodSandboxStatusResponse status;
  REQUIRE(pods.Status(id, &status).ok());
  CHECK(status.status().state() == cri::SANDBOX_READY);
  CHECK(status.status().metadata().name() == "web");
  const std::string ip = status.status().network().ip();
  CHECK(ip.rfind(Subnet().substr(0, Subnet().size() - 4), 0) == 0);
  CHECK(status.info().at("info").find("\"netns\"") != std::string::npos);

  // Pinned IPC and UTS namespaces, the sysctl set inside the IPC one.
  const std::string ipc = pods.stack.run_dir() + "/ns/ipc/" + id;
  const std::string uts = pods.stack.run_dir() + "/ns/uts/" + id;
  CHECK(IsMountPoint(ipc));
  CHECK(IsMountPoint(uts));
  CHECK(RunCommand({"/usr/bin/nsenter", "--ipc=" + ipc, "cat", "/proc/sys/kernel/shm_rmid_forced"})
            .output == "1\n");
  // The pod's files and /dev/shm.
  const std::string dir = pods.stack.run_dir() + "/runtime/pods/" + id;
  CHECK(ReadAll(dir + "/hostname") == "web-host\n");
  CHECK(ReadAll(dir + "/hosts").find(ip + "\tweb-host") != std::string::npos);
  CHECK(ReadAll(dir + "/resolv.conf") ==
        "nameserver 10.0.0.10\nsearch default.svc.cluster.local\noptions ndots:5\n");
  CHECK(IsMountPoint(dir + "/shm"));

  // Filters: id prefix, state, labels.
  cri::PodSandboxFilter filter;
  (*filter.mutable_label_selector())["app"] = "web";
  CHECK(pods.List(&filter).size() == 1);
  (*filter.mutable_label_selector())["app"] = "db";
  CHECK(pods.List(&filter).empty());
  cri::PodSandboxFilter by_id;
  by_id.set_id(id.substr(0, 12));
  CHECK(pods.List(&by_id).size() == 1);

  // The name is reserved while the pod exists.
  s = pods.Run(Pods::Config("web"), nullptr);
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(s.error_message().find(id) != std::string::npos);

  // Stop: NOTREADY, network gone; twice is fine.
  REQUIRE(pods.Stop(id).ok());
  REQUIRE(pods.Stop(id).ok());
  REQUIRE(pods.Status(id, &status).ok());
  CHECK(status.status().state() == cri::SANDBOX_NOTREADY);
  CHECK_FALSE(fs::exists(pods.stack.run_dir() + "/netns/" + id));
  cri::PodSandboxFilter ready;
  ready.mutable_state()->set_state(cri::SANDBOX_READY);
  CHECK(pods.List(&ready).empty());

  // Remove: nothing of it is left; twice is fine; the name is free again.
  REQUIRE(pods.Remove(id).ok());
  REQUIRE(pods.Remove(id).ok());
  CHECK(pods.List().empty());
  CHECK(pods.Leftovers().empty());
  CHECK(pods.Status(id, &status).error_code() == grpc::StatusCode::NOT_FOUND);
  std::string again;
  REQUIRE(pods.Run(Pods::Config("web"), &again).ok());
  REQUIRE(pods.Remove(again).ok());
  CHECK(pods.Leftovers().empty());
}

TEST_CASE("a pod sharing its PID namespace gets cria-pause as PID 1, pinned") {
  Pods pods;
  cri::PodSandboxConfig shared = Pods::Config("shared");
  shared.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
      cri::POD);
  std::string id;
  grpc::Status s = pods.Run(shared, &id);
  INFO(s.error_message());
  REQUIRE(s.ok());
  const std::string pin = pods.stack.run_dir() + "/ns/pid/" + id;
  CHECK(IsMountPoint(pin));
  CHECK(RunCommand({"/usr/bin/nsenter", "--pid=" + pin, "/bin/sh", "-c", "echo $$"}).output !=
        "1\n");  // PID 1 is taken: by cria-pause
  REQUIRE(pods.Stop(id).ok());
  REQUIRE(pods.Remove(id).ok());
  CHECK(pods.Leftovers().empty());
}

TEST_CASE("pods survive a restart of cria-runtime") {
  Pods pods;
  std::string id;
  REQUIRE(pods.Run(Pods::Config("keep"), &id).ok());
  pods.stack.Kill("runtime");
  pods.stack.Start("runtime");
  pods.Connect();
  std::vector<cri::PodSandbox> listed = pods.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id() == id);
  CHECK(listed[0].state() == cri::SANDBOX_READY);
  CHECK(pods.Run(Pods::Config("keep"), nullptr).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(pods.Remove(id).ok());
  CHECK(pods.Leftovers().empty());
}

TEST_CASE("bad pod requests get their code and leak nothing") {
  Pods pods;
  cri::PodSandboxConfig no_name = Pods::Config("x");
  no_name.mutable_metadata()->clear_name();
  CHECK(pods.Run(no_name, nullptr).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s = pods.Run(Pods::Config("h"), nullptr, "no-such-handler");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("no-such-handler") != std::string::npos);
  cri::PodSandboxConfig bad_sysctl = Pods::Config("sys");
  (*bad_sysctl.mutable_linux()->mutable_sysctls())["kernel.no_such_key"] = "1";
  s = pods.Run(bad_sysctl, nullptr);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("kernel.no_such_key") != std::string::npos);
  CHECK(s.error_message().find("not namespaced") != std::string::npos);
  // A namespaced name the kernel does not have, and a value it refuses, fail in cria-pinns;
  // net.* ones in the pod's network namespace once it is made (not at every container
  // start), and the network goes again.
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"kernel.shm_no_such_key", "1"},
           {"kernel.shm_rmid_forced", "x"},
           {"net.ipv4.no_such_sysctl", "1"},
           {"net/ipv4/ip_unprivileged_port_start", "x"}}) {
    INFO(key);
    cri::PodSandboxConfig refused = Pods::Config("sys");
    (*refused.mutable_linux()->mutable_sysctls())[key] = value;
    s = pods.Run(refused, nullptr);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find(key) != std::string::npos);
  }
  // What would fail every container later is refused at once: a hostname the kernel
  // does not take, a relative log directory, a DNS entry that would add lines to
  // resolv.conf, a cgroup parent in the other driver's syntax.
  for (const auto& [what, edit] :
       std::vector<std::pair<std::string, std::function<void(cri::PodSandboxConfig&)>>>{
           {"hostname", [](cri::PodSandboxConfig& p) { p.set_hostname(std::string(65, 'h')); }},
           {"log_directory", [](cri::PodSandboxConfig& p) { p.set_log_directory("pods/x"); }},
           {"servers",
            [](cri::PodSandboxConfig& p) {
              p.mutable_dns_config()->add_servers("10.0.0.10\nnameserver 10.6.6.6");
            }},
           {"searches",
            [](cri::PodSandboxConfig& p) { p.mutable_dns_config()->add_searches("a b"); }},
           {"options", [](cri::PodSandboxConfig& p) { p.mutable_dns_config()->add_options(""); }},
           {"cgroup parent",
            [](cri::PodSandboxConfig& p) {
              p.mutable_linux()->set_cgroup_parent("kubepods-burstable.slice");
            }},
       }) {
    INFO(what);
    cri::PodSandboxConfig config = Pods::Config("refused");
    edit(config);
    s = pods.Run(config, nullptr);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find(what == "cgroup parent" ? "cgroup parent" : what) !=
          std::string::npos);
  }
  CHECK(pods.Leftovers().empty());
  CHECK(pods.List().empty());
  // The failed pod released its name.
  std::string id;
  REQUIRE(pods.Run(Pods::Config("sys"), &id).ok());
  REQUIRE(pods.Remove(id).ok());

  // A host-network pod: no netns, no UTS pin, no IP; the kubelet sends it no hostname, and
  // its /etc/hostname is the node's, as is the UTS namespace its containers share.
  cri::PodSandboxConfig host = Pods::Config("hostnet");
  host.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
      cri::NODE);
  host.clear_hostname();
  REQUIRE(pods.Run(host, &id).ok());
  char node[256] = {};
  REQUIRE(gethostname(node, sizeof(node) - 1) == 0);
  CHECK(ReadAll(pods.stack.run_dir() + "/runtime/pods/" + id + "/hostname") ==
        std::string(node) + "\n");
  cri::PodSandboxStatusResponse status;
  REQUIRE(pods.Status(id, &status).ok());
  CHECK(status.status().network().ip().empty());
  CHECK_FALSE(fs::exists(pods.stack.run_dir() + "/ns/uts/" + id));
  CHECK(fs::exists(pods.stack.run_dir() + "/ns/ipc/" + id));
  REQUIRE(pods.Remove(id).ok());
  CHECK(pods.Leftovers().empty());
}

// cria-pinns writes a pod's IPC and UTS sysctls inside the namespaces it makes: a sysctl
// that is not namespaced, or one whose namespace the pod shares with the host, would be
// written to the node itself. Each is refused before anything is made, and the node's
// value stays what it was.
// A node sysctl's value, written back when a regression changed it, so that a failing test
// leaves the node as it was.
struct NodeSysctl {
  std::string path, value;
  explicit NodeSysctl(std::string p) : path(std::move(p)), value(ReadAll(path)) {}
  ~NodeSysctl() {
    if (ReadAll(path) != value) std::ofstream(path) << value;
  }
};

TEST_CASE("a pod's sysctls never reach the node") {
  Pods pods;
  const std::string swappiness = "/proc/sys/vm/swappiness";
  const std::string shm_rmid_forced = "/proc/sys/kernel/shm_rmid_forced";
  const std::string port_start = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
  const NodeSysctl saved[] = {NodeSysctl(swappiness), NodeSysctl(shm_rmid_forced),
                              NodeSysctl(port_start)};
  const std::string& node_swappiness = saved[0].value;
  const std::string& node_shm = saved[1].value;
  const std::string& node_port_start = saved[2].value;
  REQUIRE_FALSE(node_swappiness.empty());
  REQUIRE((node_shm == "0\n" || node_shm == "1\n"));
  const std::string other_shm = node_shm == "0\n" ? "1" : "0";
  const std::string other_swappiness = node_swappiness == "7\n" ? "8" : "7";

  struct Case {
    const char* what;
    std::string key, value;
    cri::NamespaceMode network = cri::POD, ipc = cri::POD;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {"not namespaced", "vm.swappiness", other_swappiness, cri::POD, cri::POD,
            "not namespaced"},
           {"not namespaced, '/' form", "vm/swappiness", other_swappiness, cri::POD, cri::POD,
            "not namespaced"},
           {"IPC sysctl, host IPC", "kernel.shm_rmid_forced", other_shm, cri::POD, cri::NODE,
            "host IPC"},
           {"network sysctl, host network", "net.ipv4.ip_unprivileged_port_start", "1000",
            cri::NODE, cri::POD, "host networking"},
           {"UTS sysctl, host network", "kernel.domainname", "x", cri::NODE, cri::POD, "host UTS"},
       }) {
    INFO(c.what);
    cri::PodSandboxConfig config = Pods::Config("nodesys");
    auto* ns = config.mutable_linux()->mutable_security_context()->mutable_namespace_options();
    ns->set_network(c.network);
    ns->set_ipc(c.ipc);
    config.mutable_linux()->mutable_sysctls()->clear();
    (*config.mutable_linux()->mutable_sysctls())[c.key] = c.value;
    std::string id;
    grpc::Status s = pods.Run(config, &id);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find(c.key) != std::string::npos);
    CHECK(s.error_message().find(c.reason) != std::string::npos);
    if (s.ok()) REQUIRE(pods.Remove(id).ok());
  }
  CHECK(ReadAll(swappiness) == node_swappiness);
  CHECK(ReadAll(shm_rmid_forced) == node_shm);
  CHECK(ReadAll(port_start) == node_port_start);

  // Namespaced ones in the pod's own namespaces: set there ('/' form too), not on the node.
  cri::PodSandboxConfig config = Pods::Config("podsys");
  config.mutable_linux()->mutable_sysctls()->clear();
  (*config.mutable_linux()->mutable_sysctls())["kernel/shm_rmid_forced"] = other_shm;
  const std::string pod_port_start = node_port_start == "1000\n" ? "1001" : "1000";
  (*config.mutable_linux()->mutable_sysctls())["net/ipv4/ip_unprivileged_port_start"] =
      pod_port_start;
  std::string id;
  REQUIRE(pods.Run(config, &id).ok());
  const std::string ipc = pods.stack.run_dir() + "/ns/ipc/" + id;
  CommandResult inside = RunCommand({"/usr/bin/nsenter", "--ipc=" + ipc, "cat", shm_rmid_forced});
  CHECK(inside.output == other_shm + "\n");
  // The net.* one is in the pod's network namespace before any container starts.
  inside = RunCommand(
      {"/usr/bin/nsenter", "--net=" + pods.stack.run_dir() + "/netns/" + id, "cat", port_start});
  CHECK(inside.output == pod_port_start + "\n");
  CHECK(ReadAll(shm_rmid_forced) == node_shm);
  CHECK(ReadAll(port_start) == node_port_start);
  REQUIRE(pods.Remove(id).ok());
  CHECK(pods.Leftovers().empty());
}

TEST_CASE("runtime.default_sysctls: in every pod that has the namespace, its own value wins") {
  const std::string ping_range = "/proc/sys/net/ipv4/ping_group_range";
  const std::string shm_rmid_forced = "/proc/sys/kernel/shm_rmid_forced";
  const std::string port_start = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
  const NodeSysctl saved[] = {NodeSysctl(ping_range), NodeSysctl(shm_rmid_forced),
                              NodeSysctl(port_start)};
  const std::string& node_range = saved[0].value;
  const std::string& node_shm = saved[1].value;
  const std::string& node_port_start = saved[2].value;
  REQUIRE((node_shm == "0\n" || node_shm == "1\n"));
  const std::string other_shm = node_shm == "0\n" ? "1" : "0";
  REQUIRE(node_range != "0\t2147483647\n");
  Pods pods(
      "  default_sysctls: [\"net.ipv4.ping_group_range=0 2147483647\", "
      "\"kernel/shm_rmid_forced=" +
      other_shm + "\", \"net.ipv4.ip_unprivileged_port_start=0\"]\n");
  auto in = [&](const std::string& ns, const std::string& id, const std::string& path) {
    const std::string dir = ns == "net" ? "/netns/" : "/ns/" + ns + "/";
    return RunCommand(
               {"/usr/bin/nsenter", "--" + ns + "=" + pods.stack.run_dir() + dir + id, "cat", path})
        .output;
  };

  // A pod with its own namespaces gets the defaults, but its own port start.
  cri::PodSandboxConfig config = Pods::Config("defaults");
  config.mutable_linux()->mutable_sysctls()->clear();
  (*config.mutable_linux()->mutable_sysctls())["net.ipv4.ip_unprivileged_port_start"] = "1024";
  std::string id;
  REQUIRE(pods.Run(config, &id).ok());
  CHECK(in("net", id, ping_range) == "0\t2147483647\n");
  CHECK(in("net", id, port_start) == "1024\n");
  CHECK(in("ipc", id, shm_rmid_forced) == other_shm + "\n");

  // A hostNetwork pod runs, without the net.* defaults (they would change the node), with
  // the IPC one in its own IPC namespace.
  cri::PodSandboxConfig host = Pods::Config("hostnet");
  host.mutable_linux()->mutable_sysctls()->clear();
  host.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
      cri::NODE);
  std::string host_id;
  grpc::Status s = pods.Run(host, &host_id);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(in("ipc", host_id, shm_rmid_forced) == other_shm + "\n");
  CHECK(ReadAll(ping_range) == node_range);
  CHECK(ReadAll(port_start) == node_port_start);
  CHECK(ReadAll(shm_rmid_forced) == node_shm);
  REQUIRE(pods.Remove(id).ok());
  REQUIRE(pods.Remove(host_id).ok());
  CHECK(pods.Leftovers().empty());
}

// cria-runtime started on this stack's config plus `runtime_yaml`, run to its end.
CommandResult RunRuntime(const std::string& runtime_yaml) {
  Stack stack;
  stack.WritePodNetworkConfig("podnet", BridgeName(), Subnet(), runtime_yaml);
  std::vector<std::string> argv = {BinaryPath("runtime")};
  for (const std::string& flag : stack.CommonFlags()) argv.push_back(flag);
  return RunCommand(argv);
}

// Whether this process (and so the cria-runtime it starts) holds CAP_SYS_RESOURCE.
bool HoldsSysResource() {
  std::istringstream status(ReadAll("/proc/self/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapBnd:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> 24) & 1;
  }
  return false;
}

TEST_CASE("runtime defaults every pod or container would fail on stop cria-runtime at start") {
  testing::TempDir dir;
  const std::string no_profile = dir.path() + "/no-profile.json";
  std::ofstream(no_profile) << R"({"syscalls": []})";
  rlimit own{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &own) == 0);
  REQUIRE(own.rlim_max != RLIM_INFINITY);
  struct Case {
    std::string yaml, says;
  };
  std::vector<Case> cases = {
      {"  default_sysctls: [\"vm.swappiness=1\"]\n",
       "runtime.default_sysctls: sysctl vm.swappiness is not namespaced"},
      {"  seccomp_profile: \"" + dir.path() + "/missing.json\"\n",
       "runtime.seccomp_profile: seccomp profile " + dir.path() + "/missing.json"},
      {"  seccomp_profile: \"" + no_profile + "\"\n",
       "runtime.seccomp_profile: seccomp profile " + no_profile},
  };
  // A hard limit above cria-runtime's own, which it may raise only with CAP_SYS_RESOURCE.
  if (!HoldsSysResource()) {
    cases.push_back(
        {"  default_ulimits: [\"nofile=1024:" + std::to_string(own.rlim_max + 1) + "\"]\n",
         "runtime.default_ulimits: nofile hard limit " + std::to_string(own.rlim_max + 1) +
             " is above cria-runtime's own (" + std::to_string(own.rlim_max) + ")"});
  }
  for (const Case& c : cases) {
    INFO(c.yaml);
    CommandResult r = RunRuntime(c.yaml);
    INFO(r.error);
    CHECK(r.exit_code == 1);
    CHECK(r.error.find("bad runtime configuration") != std::string::npos);
    CHECK(r.error.find(c.says) != std::string::npos);
  }
}

}  // namespace
}  // namespace cria::testing

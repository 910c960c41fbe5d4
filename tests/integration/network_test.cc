// cria-network with the real CNI plugins (Debian containernetworking-plugins) in netns it
// creates, driven through its gRPC API as cria-runtime will. Traffic goes only between
// those namespaces and the test's own bridge. A scripted plugin (cria-test-plugin)
// injects what real plugins cannot be made to do: fail, hang, stall mid-ADD.
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "cria/network/v1/network.grpc.pb.h"
#include "tests/support/stack.h"

namespace cria::testing {
namespace {

using std::chrono::milliseconds;
namespace netv1 = cria::network::v1;
namespace fs = std::filesystem;

// One bridge and subnet per test process, so test binaries running side by side never
// share them.
std::string BridgeName() { return "crn" + std::to_string(getpid() % 100000); }
std::string SubnetPrefix() { return "10.224." + std::to_string(getpid() % 250) + "."; }

constexpr char kFakePlugin[] = R"(#!/usr/bin/python3
# cria-test-plugin: does what its config says ("add": pass|fail|hang|slow), records what
# it was given ("record": path prefix), and passes prevResult through.
import json, os, sys, time
cmd = os.environ.get("CNI_COMMAND", "")
conf = json.load(sys.stdin) if cmd != "VERSION" else {}
rec = conf.get("record")
if rec:
    with open(rec + "." + cmd.lower(), "w") as f:
        json.dump(conf, f)
if cmd == "VERSION":
    print(json.dumps({"cniVersion": "1.1.0", "supportedVersions": ["0.4.0", "1.0.0", "1.1.0"]}))
elif cmd == "STATUS" and conf.get("status") == "fail":
    print(json.dumps({"cniVersion": "1.1.0", "code": 50, "msg": "plugin not available",
                      "details": "its daemon is down"}))
    sys.exit(1)
elif cmd == "ADD":
    mode = conf.get("add", "pass")
    if mode == "fail":
        print(json.dumps({"cniVersion": "1.0.0", "code": 7, "msg": "injected failure",
                          "details": "the test asked for it"}))
        sys.exit(1)
    if mode in ("hang", "slow"):
        if rec:
            with open(rec + ".pid", "w") as f:
                f.write(str(os.getpid()))
        time.sleep(60)
    print(json.dumps(conf.get("prevResult", {"cniVersion": "1.0.0"})))
)";

struct Net {
  Stack stack;
  std::string ipam_dir;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<netv1::Network::Stub> stub;

  // `extra` are plugin objects appended to the bridge chain; `yaml` more config keys.
  explicit Net(const std::string& extra = "", const std::string& yaml = "",
               const std::string& more_ranges = "") {
    // The bridge plugin's isGateway turns on IPv4 forwarding; put it back afterwards.
    ip_forward = ReadSysctl();
    ipam_dir = stack.root() + "/ipam";
    std::string conflist = R"({"cniVersion": "1.0.0", "name": "crianet", "plugins": [
      {"type": "bridge", "bridge": ")" +
                           BridgeName() +
                           R"(", "isGateway": true, "ipMasq": false,
       "ipam": {"type": "host-local", "dataDir": ")" +
                           ipam_dir + R"(", "ranges": [[{"subnet": ")" + SubnetPrefix() +
                           R"(0/24"}])" + more_ranges + R"(]}},
      {"type": "portmap", "capabilities": {"portMappings": true}},
      {"type": "loopback"})" +
                           (extra.empty() ? "" : ", " + extra) + "]}";
    std::ofstream(stack.CniConfigDir() + "/10-test.conflist") << conflist;
    std::string plugin = stack.PluginDir() + "/cria-test-plugin";
    std::ofstream(plugin) << kFakePlugin;
    chmod(plugin.c_str(), 0755);
    stack.WriteConfig("network:\n  cni_config_dirs: [\"" + stack.CniConfigDir() + "\"]\n" +
                      "  cni_plugin_dirs: [\"" + stack.PluginDir() + "\", \"/usr/lib/cni\"]\n" +
                      yaml);
    stack.Start("network");
    Connect();
  }
  ~Net() {
    stack.Terminate("network");
    RunCommand({"/usr/sbin/ip", "link", "del", BridgeName()});
    std::ofstream("/proc/sys/net/ipv4/ip_forward") << ip_forward;
  }

  static std::string ReadSysctl() {
    std::ifstream in("/proc/sys/net/ipv4/ip_forward");
    std::string v;
    in >> v;
    return v;
  }
  std::string ip_forward;

  void Connect() {
    channel = TestChannel(stack.Socket("network"));
    stub = netv1::Network::NewStub(channel);
  }

  grpc::Status Create(const std::string& id, netv1::CreatePodNetworkResponse* resp,
                      const std::vector<netv1::PortMapping>& ports = {}) {
    netv1::CreatePodNetworkRequest req;
    req.set_pod_id(id);
    req.set_pod_name("pod-" + id);
    req.set_pod_namespace("default");
    req.set_pod_uid("uid-" + id);
    for (const auto& p : ports) *req.add_port_mappings() = p;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(30000));
    return stub->CreatePodNetwork(&ctx, req, resp);
  }
  grpc::Status Remove(const std::string& id) {
    netv1::RemovePodNetworkRequest req;
    req.set_pod_id(id);
    netv1::RemovePodNetworkResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(30000));
    return stub->RemovePodNetwork(&ctx, req, &resp);
  }
  netv1::NetworkStatusResponse Ready() {
    netv1::NetworkStatusResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(5000));
    REQUIRE(stub->NetworkStatus(&ctx, {}, &resp).ok());
    return resp;
  }

  // Nothing of any pod is left: no pins, no records, no IPAM reservations, no veth on
  // the bridge.
  void CheckNothingLeft() {
    INFO("cria-network's log:\n" << stack.Log("network"));
    CHECK(fs::is_empty(stack.run_dir() + "/netns"));
    for (const auto& e : fs::directory_iterator(stack.state_dir() + "/network/pods")) {
      CHECK(e.path().extension() != ".json");
    }
    if (fs::exists(ipam_dir + "/crianet")) {
      for (const auto& e : fs::directory_iterator(ipam_dir + "/crianet")) {
        std::string name = e.path().filename();
        INFO("left in IPAM: " << name);
        CHECK((name == "lock" || name.rfind("last_reserved_ip", 0) == 0));
      }
    }
    CommandResult ports =
        RunCommand({"/usr/sbin/ip", "-o", "link", "show", "master", BridgeName()});
    CHECK(ports.output.empty());
  }
};

CommandResult InPod(const std::string& netns, std::vector<std::string> argv) {
  std::vector<std::string> full = {"/usr/bin/nsenter", "--net=" + netns};
  full.insert(full.end(), argv.begin(), argv.end());
  return RunCommand(full);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("two pods get distinct IPs, reach each other and the gateway; remove leaves nothing") {
  Net net;
  INFO(net.stack.Log("network") << "\nmessage: " << net.Ready().message());
  CHECK(net.Ready().ready());
  CHECK(net.Ready().network_name() == "crianet");
  netv1::CreatePodNetworkResponse a, b;
  grpc::Status sa = net.Create("poda", &a);
  INFO(sa.error_message());
  REQUIRE(sa.ok());
  REQUIRE(net.Create("podb", &b).ok());
  REQUIRE(a.ips_size() == 1);
  REQUIRE(b.ips_size() == 1);
  CHECK(a.ips(0) != b.ips(0));
  CHECK(a.ips(0).rfind(SubnetPrefix(), 0) == 0);
  CHECK(a.netns_path() == net.stack.run_dir() + "/netns/poda");
  CHECK(a.network_name() == "crianet");

  CommandResult ping = InPod(a.netns_path(), {"/bin/ping", "-c1", "-W2", b.ips(0)});
  INFO(ping.output << ping.error);
  CHECK(ping.exit_code == 0);
  CHECK(InPod(b.netns_path(), {"/bin/ping", "-c1", "-W2", SubnetPrefix() + "1"}).exit_code == 0);
  CHECK(InPod(a.netns_path(), {"/bin/ping", "-c1", "-W2", "127.0.0.1"}).exit_code == 0);

  // A second create of the same pod answers the same network.
  netv1::CreatePodNetworkResponse again;
  REQUIRE(net.Create("poda", &again).ok());
  CHECK(again.ips(0) == a.ips(0));

  netv1::PodNetworkStatusRequest sreq;
  sreq.set_pod_id("podb");
  sreq.set_check(true);
  netv1::PodNetworkStatusResponse status;
  grpc::ClientContext ctx;
  REQUIRE(net.stub->PodNetworkStatus(&ctx, sreq, &status).ok());
  CHECK(status.ips(0) == b.ips(0));

  REQUIRE(net.Remove("poda").ok());
  REQUIRE(net.Remove("podb").ok());
  CHECK(net.Remove("podb").ok());  // idempotent
  net.CheckNothingLeft();
}

TEST_CASE("hostPort through portmap reaches a server in the pod") {
  if (RunCommand({"/usr/sbin/iptables", "-t", "nat", "-L", "-n"}).exit_code != 0) {
    WARN("skipped: iptables is not usable here, so portmap cannot map host ports");
    return;
  }
  Net net;
  netv1::PortMapping pm;
  pm.set_protocol("tcp");
  pm.set_container_port(8080);
  pm.set_host_port(18000 + getpid() % 1000);
  netv1::CreatePodNetworkResponse pod;
  grpc::Status s = net.Create("web", &pod, {pm});
  INFO(s.error_message());
  REQUIRE(s.ok());
  auto server = std::async(std::launch::async, [&] {
    return InPod(pod.netns_path(),
                 {"/usr/bin/python3", "-c",
                  "import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,"
                  "socket.SO_REUSEADDR,1)\ns.bind(('0.0.0.0',8080))\ns.listen(1)\n"
                  "s.settimeout(20)\nc,_=s.accept()\nc.sendall(b'hello from the pod')\n"
                  "c.close()"});
  });
  // Connect to the host's bridge address on the host port until the server listens.
  std::string got;
  for (int attempt = 0; attempt < 100 && got.empty(); ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(pm.host_port()));
    inet_pton(AF_INET, (SubnetPrefix() + "1").c_str(), &addr.sin_addr);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      char buf[64];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) got.assign(buf, static_cast<size_t>(n));
    }
    close(fd);
    if (got.empty()) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(got == "hello from the pod");
  server.get();
  REQUIRE(net.Remove("web").ok());
  net.CheckNothingLeft();
  // portmap took its rules back.
  CommandResult nat = RunCommand({"/usr/sbin/iptables-save", "-t", "nat"});
  CHECK(nat.output.find("dport " + std::to_string(pm.host_port())) == std::string::npos);
}

TEST_CASE("readiness names the config dir and the problem") {
  Stack stack;
  stack.Start("network");
  auto stub = netv1::Network::NewStub(TestChannel(stack.Socket("network")));
  auto ready = [&] {
    netv1::NetworkStatusResponse r;
    grpc::ClientContext ctx;
    REQUIRE(stub->NetworkStatus(&ctx, {}, &r).ok());
    return r;
  };
  netv1::NetworkStatusResponse empty = ready();
  CHECK_FALSE(empty.ready());
  CHECK(empty.reason() == "NetworkPluginNotReady");
  CHECK(empty.message().find(stack.CniConfigDir()) != std::string::npos);

  std::ofstream(stack.CniConfigDir() + "/05-broken.conflist") << "{\"name\": \"x\", \"plugins\": [";
  netv1::NetworkStatusResponse broken = ready();
  CHECK_FALSE(broken.ready());
  CHECK(broken.message().find("05-broken.conflist") != std::string::npos);

  std::ofstream(stack.CniConfigDir() + "/10-missing.conflist")
      << R"({"cniVersion": "1.0.0", "name": "m", "plugins": [{"type": "no-such-plugin"}]})";
  netv1::NetworkStatusResponse missing = ready();
  CHECK_FALSE(missing.ready());
  CHECK(missing.message().find("no-such-plugin") != std::string::npos);

  // A create while not ready fails clearly and leaves nothing.
  netv1::CreatePodNetworkRequest req;
  req.set_pod_id("p1");
  req.set_pod_name("p1");
  req.set_pod_namespace("default");
  netv1::CreatePodNetworkResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub->CreatePodNetwork(&ctx, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("no-such-plugin") != std::string::npos);
  CHECK(fs::is_empty(stack.run_dir() + "/netns"));

  // Changes to the dir are picked up without a restart.
  fs::remove(stack.CniConfigDir() + "/10-missing.conflist");
  fs::remove(stack.CniConfigDir() + "/05-broken.conflist");
  std::ofstream(stack.CniConfigDir() + "/20-lo.conflist")
      << R"({"cniVersion": "1.0.0", "name": "lo-only", "plugins": [{"type": "loopback"}]})";
  CHECK(ready().ready());
  CHECK(ready().network_name() == "lo-only");
}

TEST_CASE("bad requests are refused with InvalidArgument naming the problem") {
  Net net;
  netv1::CreatePodNetworkResponse resp;
  netv1::CreatePodNetworkRequest req;
  req.set_pod_id("../escape");
  req.set_pod_name("x");
  req.set_pod_namespace("default");
  grpc::ClientContext c1;
  grpc::Status s = net.stub->CreatePodNetwork(&c1, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("pod id \"../escape\"") != std::string::npos);

  req.set_pod_id("ok1");
  (*req.mutable_annotations())["kubernetes.io/ingress-bandwidth"] = "lots";
  grpc::ClientContext c2;
  s = net.stub->CreatePodNetwork(&c2, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("kubernetes.io/ingress-bandwidth") != std::string::npos);
  net.CheckNothingLeft();
}

TEST_CASE("a plugin that fails ADD is rolled back: DEL runs, nothing is left") {
  Net net(R"({"type": "cria-test-plugin", "add": "fail"})");
  netv1::CreatePodNetworkResponse resp;
  grpc::Status s = net.Create("failing", &resp);
  CHECK_FALSE(s.ok());
  CHECK(s.error_message().find("injected failure") != std::string::npos);
  CHECK(s.error_message().find("the test asked for it") != std::string::npos);
  CHECK(s.error_message().find("default/pod-failing") != std::string::npos);
  net.CheckNothingLeft();
}

TEST_CASE("a plugin that hangs is killed at the timeout and rolled back") {
  std::string rec;
  Net net(R"({"type": "cria-test-plugin", "add": "hang", "record": "REC"})",
          "  plugin_timeout: 1s\n");
  // The record prefix is only known once the stack exists: rewrite the conflist.
  rec = net.stack.root() + "/hang";
  std::string path = net.stack.CniConfigDir() + "/10-test.conflist";
  std::string text = ReadFile(path);
  text.replace(text.find("REC"), 3, rec);
  std::ofstream(path) << text;

  auto started = std::chrono::steady_clock::now();
  netv1::CreatePodNetworkResponse resp;
  grpc::Status s = net.Create("hanging", &resp);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(s.error_message().find("timed out") != std::string::npos);
  CHECK(took < milliseconds(10000));
  std::string pid = ReadFile(rec + ".pid");
  REQUIRE_FALSE(pid.empty());
  CHECK_FALSE(fs::exists("/proc/" + pid));  // the plugin was killed, not left behind
  net.CheckNothingLeft();
}

TEST_CASE("cria-network killed during ADD: the restart cleans the half-made network") {
  std::string rec;
  Net net(R"({"type": "cria-test-plugin", "add": "slow", "record": "REC"})");
  rec = net.stack.root() + "/slow";
  std::string path = net.stack.CniConfigDir() + "/10-test.conflist";
  std::string text = ReadFile(path);
  text.replace(text.find("REC"), 3, rec);
  std::ofstream(path) << text;

  auto pending = std::async(std::launch::async, [&] {
    netv1::CreatePodNetworkResponse resp;
    return net.Create("crashy", &resp);
  });
  // Wait until the chain is in the slow plugin: bridge and host-local are done.
  for (int i = 0; i < 200 && !fs::exists(rec + ".pid"); ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  REQUIRE(fs::exists(rec + ".pid"));
  std::this_thread::sleep_for(milliseconds(100));  // the pid file is written before sleep
  net.stack.Kill("network");
  pending.get();
  // The plugin was cria-network's child; end it by its PID.
  std::string pid = ReadFile(rec + ".pid");
  kill(std::stoi(pid), SIGKILL);
  CHECK(fs::exists(net.stack.run_dir() + "/netns/crashy"));  // left by the crash

  net.stack.Start("network");
  net.CheckNothingLeft();
  CHECK(net.stack.Log("network").find("recovery: removed half-made network") != std::string::npos);
}

TEST_CASE("after a restart the pod is kept, and DEL uses the cached ADD result") {
  std::string rec;
  Net net(R"({"type": "cria-test-plugin", "record": "REC"})");
  rec = net.stack.root() + "/rec";
  std::string path = net.stack.CniConfigDir() + "/10-test.conflist";
  std::string text = ReadFile(path);
  text.replace(text.find("REC"), 3, rec);
  std::ofstream(path) << text;

  netv1::CreatePodNetworkResponse pod;
  REQUIRE(net.Create("keeper", &pod).ok());
  net.stack.Kill("network");
  // The network config changes while cria-network is down: DEL must still use the old one.
  fs::remove(path);
  net.stack.Start("network");
  net.Connect();
  netv1::PodNetworkStatusRequest sreq;
  sreq.set_pod_id("keeper");
  netv1::PodNetworkStatusResponse status;
  grpc::ClientContext ctx;
  REQUIRE(net.stub->PodNetworkStatus(&ctx, sreq, &status).ok());
  CHECK(status.ips(0) == pod.ips(0));

  REQUIRE(net.Remove("keeper").ok());
  std::string del = ReadFile(rec + ".del");
  INFO(del);
  CHECK(del.find("\"prevResult\"") != std::string::npos);
  CHECK(del.find(pod.ips(0)) != std::string::npos);
  net.CheckNothingLeft();
}

TEST_CASE("a dual-stack pod gets its IPv4 address first, then its IPv6 one") {
  std::string v6 = "fd00:c1a:" + std::to_string(getpid() % 9999) + "::";
  Net net("", "", R"(, [{"subnet": ")" + v6 + R"(/64"}])");
  netv1::CreatePodNetworkResponse pod;
  grpc::Status s = net.Create("dual", &pod);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(pod.ips_size() == 2);
  CHECK(pod.ips(0).rfind(SubnetPrefix(), 0) == 0);
  CHECK(pod.ips(1).rfind(v6, 0) == 0);
  CommandResult addr =
      InPod(pod.netns_path(), {"/usr/sbin/ip", "-6", "-o", "addr", "show", "eth0"});
  CHECK(addr.output.find(pod.ips(1)) != std::string::npos);
  REQUIRE(net.Remove("dual").ok());
  net.CheckNothingLeft();
}

TEST_CASE("CNI 1.1: STATUS decides readiness, GC learns the live pods at start") {
  Stack stack;
  std::string plugin = stack.PluginDir() + "/cria-test-plugin";
  std::ofstream(plugin) << kFakePlugin;
  chmod(plugin.c_str(), 0755);
  std::string rec = stack.root() + "/v11";
  auto write_conf = [&](const std::string& status) {
    std::ofstream(stack.CniConfigDir() + "/10-v11.conflist")
        << R"({"cniVersion": "1.1.0", "name": "v11", "plugins": [{"type": "cria-test-plugin", )"
        << R"("status": ")" << status << R"(", "record": ")" << rec << R"("}]})";
  };
  write_conf("fail");
  stack.Start("network");
  auto stub = netv1::Network::NewStub(TestChannel(stack.Socket("network")));
  auto ready = [&] {
    netv1::NetworkStatusResponse r;
    grpc::ClientContext ctx;
    REQUIRE(stub->NetworkStatus(&ctx, {}, &r).ok());
    return r;
  };
  netv1::NetworkStatusResponse down = ready();
  CHECK_FALSE(down.ready());
  CHECK(down.message().find("plugin not available") != std::string::npos);
  CHECK(down.message().find("its daemon is down") != std::string::npos);
  write_conf("ok");
  CHECK(ready().ready());

  netv1::CreatePodNetworkRequest req;
  req.set_pod_id("live1");
  req.set_pod_name("live1");
  req.set_pod_namespace("default");
  netv1::CreatePodNetworkResponse resp;
  grpc::ClientContext ctx;
  REQUIRE(stub->CreatePodNetwork(&ctx, req, &resp).ok());
  stack.Kill("network");
  stack.Start("network");
  std::string gc = ReadFile(rec + ".gc");
  INFO(gc);
  CHECK(gc.find(R"("cni.dev/valid-attachments": [{"containerID": "live1", "ifname": "eth0"}])") !=
        std::string::npos);
  stub = netv1::Network::NewStub(TestChannel(stack.Socket("network")));
  netv1::RemovePodNetworkRequest rm;
  rm.set_pod_id("live1");
  netv1::RemovePodNetworkResponse rmresp;
  grpc::ClientContext ctx2;
  CHECK(stub->RemovePodNetwork(&ctx2, rm, &rmresp).ok());
}

TEST_CASE("20 pods set up at once get 20 distinct addresses") {
  Net net;
  std::vector<std::future<std::pair<grpc::Status, std::string>>> pods;
  for (int i = 0; i < 20; ++i) {
    pods.push_back(std::async(std::launch::async, [&net, i] {
      netv1::CreatePodNetworkResponse resp;
      grpc::Status s = net.Create("many" + std::to_string(i), &resp);
      return std::make_pair(s, resp.ips_size() > 0 ? resp.ips(0) : std::string());
    }));
  }
  std::set<std::string> ips;
  for (auto& f : pods) {
    auto [s, ip] = f.get();
    INFO(s.error_message());
    CHECK(s.ok());
    ips.insert(ip);
  }
  CHECK(ips.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(net.Remove("many" + std::to_string(i)).ok());
  net.CheckNothingLeft();
}

}  // namespace
}  // namespace cria::testing

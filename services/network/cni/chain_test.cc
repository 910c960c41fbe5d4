#include "services/network/cni/chain.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "libs/records/json_object.h"
#include "libs/testing/temp_dir.h"
#include "services/network/cni/config.h"
#include "services/network/cni/result.h"
#include "services/network/cni/test_util.h"

namespace cria::network::cni {
namespace {

using cria::testing::TempDir;
using std::chrono::milliseconds;
using testing::LinkExists;
using testing::LinkGuard;
using testing::ReadFile;
using testing::TestNetns;
using testing::WriteFile;

constexpr milliseconds kTimeout{20000};
const std::vector<std::string> kSystemPluginDirs = {"/usr/lib/cni"};

rapidjson::Document Json(const std::string& text) {
  Result<rapidjson::Document> doc = records::ParseJsonObject(text);
  INFO(MessageOf(doc.status()) << " in " << text);
  REQUIRE(doc.ok());
  return *std::move(doc);
}

// `value` (an object) as compact JSON with a trailing newline.
std::string Compact(const rapidjson::Value& value) {
  Result<std::string> json = records::SerializeJsonObject(value);
  REQUIRE(json.ok());
  return *json;
}

NetworkConfig WriteAndParse(const TempDir& dir, const std::string& file, const std::string& text) {
  WriteFile(dir.path() + "/" + file, text);
  Result<NetworkConfig> config = ParseConfigFile(dir.path() + "/" + file);
  INFO(MessageOf(config.status()));
  REQUIRE(config.ok());
  return *std::move(config);
}

// ---- Fake plugins -------------------------------------------------------------------------

// A plugin `type` in `dir` that saves its stdin to "<dir>/stdin-<type>-<COMMAND>.json", appends
// "<type> <COMMAND> netns=<CNI_NETNS>" to "<dir>/calls", prints a result naming itself on ADD,
// and fails with a CNI error for the command `fail_on`.
void WriteRecorder(const TempDir& dir, const std::string& type, const std::string& fail_on = "") {
  std::string script = "#!/bin/sh\n";
  script += "cat > " + dir.path() + "/stdin-" + type + "-$CNI_COMMAND.json\n";
  script +=
      "echo \"" + type + " $CNI_COMMAND netns=$CNI_NETNS\" >> " + dir.path() + "/calls" + "\n";
  if (!fail_on.empty()) {
    script += "if [ \"$CNI_COMMAND\" = " + fail_on + " ]; then\n";
    script += "  printf '{\"cniVersion\":\"1.0.0\",\"code\":5,\"msg\":\"" + type +
              " broke\",\"details\":\"on purpose\"}'\n  exit 1\nfi\n";
  }
  script += "if [ \"$CNI_COMMAND\" = ADD ]; then\n";
  script +=
      "  printf '{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
      "\"sandbox\":\"'$CNI_NETNS'\"}],\"ips\":[{\"address\":\"10.1.2.3/24\","
      "\"interface\":0}],\"by\":\"" +
      type + "\"}'\nfi\n";
  WriteFile(dir.path() + "/" + type, script, 0755);
}

std::vector<std::string> Calls(const TempDir& dir) {
  std::vector<std::string> calls;
  if (!std::filesystem::exists(dir.path() + "/calls")) return calls;
  std::istringstream lines(ReadFile(dir.path() + "/calls"));
  for (std::string line; std::getline(lines, line);) calls.push_back(line);
  return calls;
}

RuntimeConf FakeRuntime(const std::string& netns = "/run/netns/fake") {
  RuntimeConf rt;
  rt.container_id = "c1";
  rt.netns = netns;
  return rt;
}

TEST_CASE("AddNetwork passes declared capabilities, name, version and prevResult", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "capa");
  WriteRecorder(dir, "capb");
  const NetworkConfig network = WriteAndParse(dir, "10-net.conflist", R"({
    "cniVersion": "1.0.0", "name": "capnet", "plugins": [
      {"type": "capa", "name": "ignored", "cniVersion": "0.1.0",
       "capabilities": {"portMappings": true, "bandwidth": true, "ipRanges": false}},
      {"type": "capb", "runtimeConfig": {"keep": 1}, "capabilities": {"dns": false}}]})");
  RuntimeConf rt = FakeRuntime();
  rt.capabilities_json = R"({"portMappings": [{"hostPort": 8080, "containerPort": 80,
      "protocol": "tcp"}], "dns": {"servers": ["10.96.0.10"]}, "ipRanges": [[{"subnet":
      "10.0.0.0/8"}]]})";

  Result<std::string> result = AddNetwork(network, rt, {dir.path()}, kTimeout);
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  CHECK(std::string(Json(*result)["by"].GetString()) == "capb");
  CHECK(Calls(dir) == std::vector<std::string>{"capa ADD netns=/run/netns/fake",
                                               "capb ADD netns=/run/netns/fake"});

  const rapidjson::Document a = Json(ReadFile(dir.path() + "/stdin-capa-ADD.json"));
  CHECK(std::string(a["name"].GetString()) == "capnet");
  CHECK(std::string(a["cniVersion"].GetString()) == "1.0.0");
  CHECK_FALSE(a.HasMember("prevResult"));
  REQUIRE(a.HasMember("runtimeConfig"));
  CHECK(Compact(a["runtimeConfig"]) ==
        R"({"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]})"
        "\n");

  const rapidjson::Document b = Json(ReadFile(dir.path() + "/stdin-capb-ADD.json"));
  CHECK(Compact(b["runtimeConfig"]) == "{\"keep\":1}\n");
  REQUIRE(b.HasMember("prevResult"));
  CHECK(std::string(b["prevResult"]["by"].GetString()) == "capa");
  CHECK(Compact(b["prevResult"]) ==
        R"({"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/fake"}],)"
        R"("ips":[{"address":"10.1.2.3/24","interface":0}],"by":"capa"})"
        "\n");

  // DEL goes in reverse with the same runtimeConfig and the cached result as prevResult.
  REQUIRE(DelNetwork(network, rt, *result, {dir.path()}, kTimeout).ok());
  CHECK(Calls(dir).back() == "capa DEL netns=");
  const rapidjson::Document del = Json(ReadFile(dir.path() + "/stdin-capa-DEL.json"));
  CHECK(Compact(del["runtimeConfig"]) == Compact(a["runtimeConfig"]));
  CHECK(std::string(del["prevResult"]["by"].GetString()) == "capb");
}

TEST_CASE("BuildPluginConfig follows libcni's buildOneConfig", "[chain]") {
  NetworkConfig network;
  network.name = "net";
  network.cni_version = "0.4.0";
  PluginConf plugin{
      "portmap", R"({"type":"portmap","runtimeConfig":{"old":true}})", {"portMappings"}};

  Result<std::string> none = BuildPluginConfig(network, plugin, "", std::nullopt);
  REQUIRE(none.ok());
  CHECK(*none ==
        R"({"type":"portmap","runtimeConfig":{"old":true},"name":"net","cniVersion":"0.4.0"})"
        "\n");

  Result<std::string> with = BuildPluginConfig(network, plugin, R"({"portMappings": []})",
                                               std::string(R"({"cniVersion":"0.4.0"})"));
  REQUIRE(with.ok());
  CHECK(*with == R"({"type":"portmap","runtimeConfig":{"portMappings":[]},"name":"net",)"
                 R"("cniVersion":"0.4.0","prevResult":{"cniVersion":"0.4.0"}})"
                 "\n");

  CHECK(BuildPluginConfig(network, plugin, "[1]", std::nullopt).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(BuildPluginConfig(network, plugin, "", std::string("nope")).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("AddNetwork stops at the failing plugin and names it", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "first");
  WriteRecorder(dir, "broken", "ADD");
  WriteRecorder(dir, "never");
  const NetworkConfig network = WriteAndParse(dir, "10-net.conflist", R"({
    "cniVersion": "1.0.0", "name": "failnet", "plugins": [
      {"type": "first"}, {"type": "broken"}, {"type": "never"}]})");
  Result<std::string> result = AddNetwork(network, FakeRuntime(), {dir.path()}, kTimeout);
  REQUIRE(result.status().code() == StatusCode::kInternal);
  CHECK(MessageOf(result.status()) == "add container c1 to CNI network \"failnet\" (" + dir.path() +
                                          "/10-net.conflist" +
                                          "): CNI plugin broken ADD failed: broken broke: on "
                                          "purpose (code 5)");
  CHECK(Calls(dir) == std::vector<std::string>{"first ADD netns=/run/netns/fake",
                                               "broken ADD netns=/run/netns/fake"});

  RuntimeConf no_netns = FakeRuntime("");
  CHECK(AddNetwork(network, no_netns, {dir.path()}, kTimeout).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("DelNetwork runs every plugin in reverse and joins the errors", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "one", "DEL");
  WriteRecorder(dir, "two");
  WriteRecorder(dir, "three", "DEL");
  const NetworkConfig network = WriteAndParse(dir, "10-net.conflist", R"({
    "cniVersion": "1.0.0", "name": "delnet", "plugins": [
      {"type": "one"}, {"type": "two"}, {"type": "three"}]})");
  const std::string cached = R"({"cniVersion":"1.0.0","by":"cache"})";
  // A netns path that does not exist is passed as an empty CNI_NETNS.
  const Status status =
      DelNetwork(network, FakeRuntime(dir.path() + "/gone-netns"), cached, {dir.path()}, kTimeout);
  REQUIRE(status.code() == StatusCode::kInternal);
  CHECK(MessageOf(status) == "remove container c1 from CNI network \"delnet\" (" + dir.path() +
                                 "/10-net.conflist" +
                                 "): CNI plugin three DEL failed: three broke: on purpose (code "
                                 "5); CNI plugin one DEL failed: one broke: on purpose (code 5)");
  CHECK(Calls(dir) ==
        std::vector<std::string>{"three DEL netns=", "two DEL netns=", "one DEL netns="});
  for (const char* type : {"one", "two", "three"}) {
    const rapidjson::Document stdin_json =
        Json(ReadFile(dir.path() + "/stdin-" + std::string(type) + "-DEL.json"));
    REQUIRE(stdin_json.HasMember("prevResult"));
    CHECK(std::string(stdin_json["prevResult"]["by"].GetString()) == "cache");
  }
}

TEST_CASE("DelNetwork passes no prevResult before CNI 0.4.0", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "old");
  const NetworkConfig network = WriteAndParse(dir, "10-old.conf", R"({
    "cniVersion": "0.3.1", "name": "oldnet", "type": "old"})");
  const Status status = DelNetwork(network, FakeRuntime(), std::string(R"({"cniVersion":"0.3.1"})"),
                                   {dir.path()}, kTimeout);
  REQUIRE(status.ok());
  CHECK_FALSE(Json(ReadFile(dir.path() + "/stdin-old-DEL.json")).HasMember("prevResult"));
}

TEST_CASE("DelNetwork leaves out a damaged cached result", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "plug");
  const NetworkConfig network = WriteAndParse(dir, "10-net.conf", R"({
    "cniVersion": "1.0.0", "name": "net", "type": "plug"})");
  const Status status =
      DelNetwork(network, FakeRuntime(), std::string("{trunc"), {dir.path()}, kTimeout);
  REQUIRE(status.ok());
  CHECK_FALSE(Json(ReadFile(dir.path() + "/stdin-plug-DEL.json")).HasMember("prevResult"));
}

TEST_CASE("CheckNetwork is skipped before 0.4.0 and with disableCheck", "[chain]") {
  TempDir dir("cria-cnitest-");
  WriteRecorder(dir, "checked");
  WriteRecorder(dir, "failcheck", "CHECK");
  const std::string cached = R"({"cniVersion":"1.0.0","by":"cache"})";
  const std::vector<std::string> dirs = {dir.path()};

  const NetworkConfig old = WriteAndParse(dir, "10-old.conflist", R"({
    "cniVersion": "0.3.1", "name": "old", "plugins": [{"type": "checked"}]})");
  CHECK(CheckNetwork(old, FakeRuntime(), cached, dirs, kTimeout).ok());
  const NetworkConfig disabled = WriteAndParse(dir, "20-disabled.conflist", R"({
    "cniVersion": "1.0.0", "name": "disabled", "disableCheck": true,
    "plugins": [{"type": "checked"}]})");
  CHECK(CheckNetwork(disabled, FakeRuntime(), cached, dirs, kTimeout).ok());
  CHECK(Calls(dir).empty());

  const NetworkConfig current = WriteAndParse(dir, "30-current.conflist", R"({
    "cniVersion": "1.0.0", "name": "current",
    "plugins": [{"type": "checked"}, {"type": "failcheck"}, {"type": "checked"}]})");
  CHECK(CheckNetwork(current, FakeRuntime(), std::nullopt, dirs, kTimeout).code() ==
        StatusCode::kFailedPrecondition);
  const Status status = CheckNetwork(current, FakeRuntime(), cached, dirs, kTimeout);
  REQUIRE(status.code() == StatusCode::kInternal);
  CHECK(MessageOf(status).find("check container c1 in CNI network \"current\"") == 0);
  CHECK(MessageOf(status).find("CNI plugin failcheck CHECK failed: failcheck broke") !=
        std::string::npos);
  CHECK(Calls(dir) == std::vector<std::string>{"checked CHECK netns=/run/netns/fake",
                                               "failcheck CHECK netns=/run/netns/fake"});
  const rapidjson::Document stdin_json = Json(ReadFile(dir.path() + "/stdin-checked-CHECK.json"));
  CHECK(std::string(stdin_json["prevResult"]["by"].GetString()) == "cache");
}

// ---- Real plugins from /usr/lib/cni ---------------------------------------------------------

// A bridge + host-local + loopback network of the test's own: a unique bridge name, subnet
// 10.222.0.0/24, IPAM state in a temp dir. The bridge is deleted at scope exit.
struct TestBridgeNetwork {
  TempDir dir{"cria-cnitest-"};
  LinkGuard bridge{testing::UniqueName("crt")};
  NetworkConfig config;

  explicit TestBridgeNetwork(const std::string& extra_plugin = "") {
    std::string plugins = R"({"type": "bridge", "bridge": ")" + bridge.name() +
                          R"(", "ipam": {"type": "host-local", "dataDir": ")" + dir.path() +
                          "/ipam" + R"(", "ranges": [[{"subnet": "10.222.0.0/24"}]]}})";
    if (!extra_plugin.empty()) plugins += ", " + extra_plugin;
    plugins += R"(, {"type": "loopback"})";
    config = WriteAndParse(
        dir, "10-cria-cnitest.conflist",
        R"({"cniVersion": "1.0.0", "name": "cria-cnitest", "plugins": [)" + plugins + "]}");
  }

  // The host-local reservation file for `ip`.
  std::string IpamFile(const std::string& ip) const {
    return dir.path() + "/ipam/cria-cnitest/" + ip;
  }
};

// The IPs host-local has reserved in the network's dataDir.
std::vector<std::string> ReservedIps(const TestBridgeNetwork& net) {
  std::vector<std::string> ips;
  for (const auto& entry :
       std::filesystem::directory_iterator(net.dir.path() + "/ipam/cria-cnitest")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("10.222.", 0) == 0) ips.push_back(name);
  }
  return ips;
}

RuntimeConf PodRuntime(const TestNetns& netns, const std::string& id) {
  RuntimeConf rt;
  rt.container_id = "cnitest-" + std::to_string(getpid()) + "-" + id;
  rt.netns = netns.path();
  rt.args = {{"IgnoreUnknown", "1"},
             {"K8S_POD_NAMESPACE", "default"},
             {"K8S_POD_NAME", "pod-" + id},
             {"K8S_POD_INFRA_CONTAINER_ID", rt.container_id},
             {"K8S_POD_UID", "uid-" + id}};
  return rt;
}

// The one pod IP of an ADD result, and the host-side veth it created.
struct Added {
  std::string ip;
  std::string veth;
};

Added Inspect(const std::string& result_json, const std::string& bridge) {
  Result<CniResult> result = ParseResult(result_json);
  INFO(MessageOf(result.status()) << " in " << result_json);
  REQUIRE(result.ok());
  const std::vector<std::string> ips = PodIps(*result);
  REQUIRE(ips.size() == 1);
  Added added;
  added.ip = ips[0];
  for (const Interface& interface : result->interfaces) {
    if (interface.sandbox.empty() && interface.name != bridge) added.veth = interface.name;
  }
  REQUIRE_FALSE(added.veth.empty());
  return added;
}

// A socket created inside the netns at `netns_path` (it stays in that netns).
int SocketIn(const std::string& netns_path, int type) {
  int fd = -1;
  std::thread([&] {
    const int ns = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) return;
    if (setns(ns, CLONE_NEWNET) == 0) fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    close(ns);
  }).join();
  REQUIRE(fd >= 0);
  return fd;
}

sockaddr_in Address(const std::string& ip, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  REQUIRE(inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) == 1);
  return addr;
}

// Receives one datagram on `fd` within 3 s; returns it and sets `from` to the sender's IP.
std::string Receive(int fd, std::string& from) {
  pollfd pfd{fd, POLLIN, 0};
  if (poll(&pfd, 1, 3000) != 1) return "";
  char buffer[64];
  sockaddr_in sender{};
  socklen_t len = sizeof(sender);
  const ssize_t n =
      recvfrom(fd, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&sender), &len);
  if (n < 0) return "";
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sender.sin_addr, text, sizeof(text));
  from = text;
  return std::string(buffer, n);
}

// Whether a UDP "ping" from netns `a` (address a_ip) reaches b_ip in netns `b` and its reply
// comes back. Traffic stays between the two test namespaces.
void CheckUdpRoundTrip(const TestNetns& a, const std::string& a_ip, const TestNetns& b,
                       const std::string& b_ip) {
  const int server = SocketIn(b.path(), SOCK_DGRAM);
  const int client = SocketIn(a.path(), SOCK_DGRAM);
  absl::Cleanup close_fds = [&] {
    close(server);
    close(client);
  };
  const sockaddr_in server_addr = Address(b_ip, 7777);
  REQUIRE(bind(server, reinterpret_cast<const sockaddr*>(&server_addr), sizeof(server_addr)) == 0);
  REQUIRE(sendto(client, "ping", 4, 0, reinterpret_cast<const sockaddr*>(&server_addr),
                 sizeof(server_addr)) == 4);
  std::string from;
  REQUIRE(Receive(server, from) == "ping");
  CHECK(from == a_ip);
  const sockaddr_in client_addr = [&] {
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    getsockname(client, reinterpret_cast<sockaddr*>(&addr), &len);
    return addr;
  }();
  sockaddr_in reply_to = Address(a_ip, ntohs(client_addr.sin_port));
  REQUIRE(sendto(server, "pong", 4, 0, reinterpret_cast<const sockaddr*>(&reply_to),
                 sizeof(reply_to)) == 4);
  REQUIRE(Receive(client, from) == "pong");
  CHECK(from == b_ip);
}

TEST_CASE("Real bridge: ADD configures eth0, CHECK passes, DEL releases everything", "[real]") {
  TestBridgeNetwork net;
  TestNetns netns;
  const RuntimeConf rt = PodRuntime(netns, "a");

  Result<std::string> result = AddNetwork(net.config, rt, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  const Added added = Inspect(*result, net.bridge.name());
  CHECK(added.ip.rfind("10.222.0.", 0) == 0);
  CHECK(std::filesystem::exists(net.IpamFile(added.ip)));
  CHECK(LinkExists(added.veth));
  CHECK(LinkExists(net.bridge.name()));

  const process::Outcome addr = netns.Exec({"ip", "-o", "-4", "addr", "show", "dev", "eth0"});
  REQUIRE(addr.Succeeded());
  CHECK(addr.out.find("inet " + added.ip + "/24") != std::string::npos);
  const process::Outcome lo = netns.Exec({"ip", "-o", "link", "show", "dev", "lo"});
  CHECK(lo.out.find("UP") != std::string::npos);

  const Status check = CheckNetwork(net.config, rt, *result, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(check));
  CHECK(check.ok());

  const Status del = DelNetwork(net.config, rt, *result, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(del));
  REQUIRE(del.ok());
  CHECK_FALSE(std::filesystem::exists(net.IpamFile(added.ip)));
  CHECK_FALSE(LinkExists(added.veth));
  CHECK_FALSE(netns.Exec({"ip", "link", "show", "dev", "eth0"}).Succeeded());

  // DEL again (a retry, or DEL without the cached result) is fine.
  CHECK(DelNetwork(net.config, rt, *result, kSystemPluginDirs, kTimeout).ok());
  CHECK(DelNetwork(net.config, rt, std::nullopt, kSystemPluginDirs, kTimeout).ok());
}

TEST_CASE("Real bridge: two pods get distinct IPs and reach each other", "[real]") {
  TestBridgeNetwork net;
  TestNetns a;
  TestNetns b;
  const RuntimeConf rt_a = PodRuntime(a, "a");
  const RuntimeConf rt_b = PodRuntime(b, "b");

  Result<std::string> result_a = AddNetwork(net.config, rt_a, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(result_a.status()));
  REQUIRE(result_a.ok());
  Result<std::string> result_b = AddNetwork(net.config, rt_b, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(result_b.status()));
  REQUIRE(result_b.ok());
  const Added added_a = Inspect(*result_a, net.bridge.name());
  const Added added_b = Inspect(*result_b, net.bridge.name());
  CHECK(added_a.ip != added_b.ip);
  CHECK(added_b.ip.rfind("10.222.0.", 0) == 0);
  CHECK(std::filesystem::exists(net.IpamFile(added_a.ip)));
  CHECK(std::filesystem::exists(net.IpamFile(added_b.ip)));

  CheckUdpRoundTrip(a, added_a.ip, b, added_b.ip);
  CheckUdpRoundTrip(b, added_b.ip, a, added_a.ip);

  CHECK(DelNetwork(net.config, rt_a, *result_a, kSystemPluginDirs, kTimeout).ok());
  CHECK(DelNetwork(net.config, rt_b, *result_b, kSystemPluginDirs, kTimeout).ok());
  CHECK_FALSE(std::filesystem::exists(net.IpamFile(added_a.ip)));
  CHECK_FALSE(std::filesystem::exists(net.IpamFile(added_b.ip)));
}

TEST_CASE("Real bridge: DEL after the netns is gone still releases the IP", "[real]") {
  TestBridgeNetwork net;
  TestNetns netns;
  const RuntimeConf rt = PodRuntime(netns, "gone");
  Result<std::string> result = AddNetwork(net.config, rt, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  const Added added = Inspect(*result, net.bridge.name());
  REQUIRE(std::filesystem::exists(net.IpamFile(added.ip)));

  netns.Delete();
  REQUIRE_FALSE(std::filesystem::exists(netns.path()));
  const Status del = DelNetwork(net.config, rt, *result, kSystemPluginDirs, kTimeout);
  INFO(MessageOf(del));
  REQUIRE(del.ok());
  CHECK_FALSE(std::filesystem::exists(net.IpamFile(added.ip)));
  CHECK(DelNetwork(net.config, rt, *result, kSystemPluginDirs, kTimeout).ok());

  // The kernel destroys the veth pair with the netns, asynchronously: wait (bounded) for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (LinkExists(added.veth) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  CHECK_FALSE(LinkExists(added.veth));
}

TEST_CASE("Real bridge: after a failed ADD, DelNetwork undoes the plugins that ran", "[real]") {
  TempDir fakes("cria-cnitest-");
  WriteRecorder(fakes, "cria-fails", "ADD");
  TestBridgeNetwork net(R"({"type": "cria-fails"})");
  TestNetns netns;
  const RuntimeConf rt = PodRuntime(netns, "fail");
  const std::vector<std::string> dirs = {fakes.path(), "/usr/lib/cni"};

  Result<std::string> result = AddNetwork(net.config, rt, dirs, kTimeout);
  REQUIRE_FALSE(result.ok());
  CHECK(MessageOf(result.status()).find("CNI plugin cria-fails ADD failed: cria-fails broke") !=
        std::string::npos);
  // The bridge's interface and IP reservation are left behind.
  CHECK(netns.Exec({"ip", "link", "show", "dev", "eth0"}).Succeeded());
  CHECK(ReservedIps(net).size() == 1);

  const Status del = DelNetwork(net.config, rt, std::nullopt, dirs, kTimeout);
  INFO(MessageOf(del));
  CHECK(del.ok());
  CHECK_FALSE(netns.Exec({"ip", "link", "show", "dev", "eth0"}).Succeeded());
  CHECK(ReservedIps(net).empty());
}

TEST_CASE("Real plugins: a missing plugin type is NotFound naming it", "[real]") {
  TestBridgeNetwork net(R"({"type": "cria-no-such-plugin"})");
  TestNetns netns;
  const RuntimeConf rt = PodRuntime(netns, "missing");
  CHECK(CheckPluginsPresent(net.config, kSystemPluginDirs).code() == StatusCode::kNotFound);

  Result<std::string> result = AddNetwork(net.config, rt, kSystemPluginDirs, kTimeout);
  REQUIRE(result.status().code() == StatusCode::kNotFound);
  CHECK(
      MessageOf(result.status()).find("CNI plugin cria-no-such-plugin not found in /usr/lib/cni") !=
      std::string::npos);
  CHECK(DelNetwork(net.config, rt, std::nullopt, kSystemPluginDirs, kTimeout).code() ==
        StatusCode::kNotFound);
}

}  // namespace
}  // namespace cria::network::cni

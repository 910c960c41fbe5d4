#include "tools/criactl/client/config_file.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

// crictl's docs/examples, as they are.
constexpr char kPodJson[] = R"({
  "metadata": {
    "name": "busybox-sandbox",
    "namespace": "default",
    "attempt": 1,
    "uid": "hdishd83djaidwnduwk28bcsb"
  },
  "log_directory": "/tmp",
  "linux": {}
}
)";
constexpr char kPodYaml[] = R"(metadata:
  attempt: 1
  name: busybox-sandbox
  namespace: default
  uid: hdishd83djaidwnduwk28bcsb
log_directory: /tmp
linux:
  namespaces:
    options: {}
)";
constexpr char kContainerJson[] = R"({
  "metadata": {
    "name": "busybox"
  },
  "image": {
    "image": "docker.io/busybox"
  },
  "command": ["top"],
  "log_path": "busybox.0.log",
  "linux": {}
}
)";
constexpr char kContainerYaml[] = R"(metadata:
  name: busybox
image:
  image: docker.io/busybox:latest
command:
  - top
log_path: busybox.0.log
)";

TEST_CASE("crictl's sample pod configs, JSON and YAML") {
  for (const char* text : {kPodJson, kPodYaml}) {
    Result<cri::PodSandboxConfig> config = ParsePodSandboxConfig(text);
    INFO(text);
    REQUIRE(config.ok());
    CHECK(config->metadata().name() == "busybox-sandbox");
    CHECK(config->metadata().namespace_() == "default");
    CHECK(config->metadata().attempt() == 1);
    CHECK(config->metadata().uid() == "hdishd83djaidwnduwk28bcsb");
    CHECK(config->log_directory() == "/tmp");
    CHECK(config->has_linux());
  }
}

TEST_CASE("crictl's sample container configs, JSON and YAML") {
  Result<cri::ContainerConfig> json = ParseContainerConfig(kContainerJson);
  REQUIRE(json.ok());
  CHECK(json->metadata().name() == "busybox");
  CHECK(json->image().image() == "docker.io/busybox");
  REQUIRE(json->command_size() == 1);
  CHECK(json->command(0) == "top");
  CHECK(json->log_path() == "busybox.0.log");
  Result<cri::ContainerConfig> yaml = ParseContainerConfig(kContainerYaml);
  REQUIRE(yaml.ok());
  CHECK(yaml->image().image() == "docker.io/busybox:latest");
  CHECK(yaml->command(0) == "top");
  CHECK(yaml->log_path() == "busybox.0.log");
}

TEST_CASE("camelCase names, enum names and numbers, maps, nested messages") {
  const char* json = R"({"metadata": {"name": "p", "namespace": "ns"},
    "logDirectory": "/var/log/pods/x", "dns_config": {"servers": ["10.0.0.10"]},
    "port_mappings": [{"protocol": "UDP", "container_port": 53, "hostPort": 5353}],
    "labels": {"app": "web"}, "annotations": {"a": "b"},
    "linux": {"cgroup_parent": "/kubepods", "security_context": {
      "namespace_options": {"network": 2, "pid": "CONTAINER"},
      "run_as_user": {"value": 1000}, "privileged": true}}})";
  const char* yaml = R"(
metadata: {name: p, namespace: ns}
logDirectory: /var/log/pods/x
dns_config:
  servers: [10.0.0.10]
port_mappings:
  - protocol: UDP
    container_port: 53
    hostPort: "5353"
labels:
  app: web
annotations: {a: b}
linux:
  cgroup_parent: /kubepods
  security_context:
    namespace_options: {network: 2, pid: CONTAINER}
    run_as_user: {value: 1000}
    privileged: yes
)";
  for (const char* text : {json, yaml}) {
    INFO(text);
    Result<cri::PodSandboxConfig> c = ParsePodSandboxConfig(text);
    INFO(MessageOf(c.status()));
    REQUIRE(c.ok());
    CHECK(c->log_directory() == "/var/log/pods/x");
    CHECK(c->dns_config().servers(0) == "10.0.0.10");
    REQUIRE(c->port_mappings_size() == 1);
    CHECK(c->port_mappings(0).protocol() == cri::UDP);
    CHECK(c->port_mappings(0).container_port() == 53);
    CHECK(c->port_mappings(0).host_port() == 5353);
    CHECK(c->labels().at("app") == "web");
    CHECK(c->annotations().at("a") == "b");
    const auto& sc = c->linux().security_context();
    CHECK(c->linux().cgroup_parent() == "/kubepods");
    CHECK(sc.namespace_options().network() == cri::NODE);
    CHECK(sc.namespace_options().pid() == cri::CONTAINER);
    CHECK(sc.run_as_user().value() == 1000);
    CHECK(sc.privileged());
  }
}

TEST_CASE("YAML scalars take the type of their field") {
  // Unquoted numbers and booleans where strings are wanted stay strings, as crictl's
  // YAML-to-JSON conversion against the Go struct does.
  Result<cri::ContainerConfig> c = ParseContainerConfig(R"(
metadata: {name: 123}
image: {image: busybox}
command: [sh, -c, 'exit 3']
args: [1, true, 2.5]
envs:
  - {key: DEBUG, value: true}
  - {key: N, value: 007}
  - key: EMPTY
    value: ""
labels: {version: 2}
working_dir: ~
tty: false
)");
  INFO(MessageOf(c.status()));
  REQUIRE(c.ok());
  CHECK(c->metadata().name() == "123");
  REQUIRE(c->args_size() == 3);
  CHECK(c->args(0) == "1");
  CHECK(c->args(1) == "true");
  CHECK(c->args(2) == "2.5");
  CHECK(c->command(2) == "exit 3");
  CHECK(c->envs(0).value() == "true");
  CHECK(c->envs(1).value() == "007");
  CHECK(c->envs(2).value().empty());
  CHECK(c->labels().at("version") == "2");
  CHECK(c->working_dir().empty());
}

TEST_CASE("environment values are text in JSON and YAML (bytes in the proto)") {
  const char* json = R"({"metadata":{"name":"c"},"envs":[{"key":"A","value":"hello world"},
    {"key":"B","value":"x"},{"key":"C","value":""},{"key":"D","value":"null"}],"tty":true})";
  const char* yaml =
      "metadata: {name: c}\nenvs:\n- {key: A, value: hello world}\n"
      "- {key: B, value: x}\n- {key: C, value: ''}\n- {key: D, value: 'null'}\n"
      "tty: true\n";
  for (const char* text : {json, yaml}) {
    INFO(text);
    Result<cri::ContainerConfig> c = ParseContainerConfig(text);
    INFO(MessageOf(c.status()));
    REQUIRE(c.ok());
    REQUIRE(c->envs_size() == 4);
    CHECK(c->envs(0).value() == "hello world");
    CHECK(c->envs(1).value() == "x");
    CHECK(c->envs(2).value().empty());
    CHECK(c->envs(3).value() == "null");
    CHECK(c->tty());
  }
}

TEST_CASE("JSON keys match without regard to case, as Go's decoder does") {
  Result<cri::PodSandboxConfig> c = ParsePodSandboxConfig(
      R"({"Metadata": {"Name": "a", "NAMESPACE": "b"}, "Log_Directory": "/l", "hostname": null})");
  INFO(MessageOf(c.status()));
  REQUIRE(c.ok());
  CHECK(c->metadata().name() == "a");
  CHECK(c->log_directory() == "/l");
}

TEST_CASE("unknown fields are ignored, in JSON and YAML") {
  CHECK(ParsePodSandboxConfig(R"({"metadata": {"name": "a", "namespace": "b", "x": 1},
    "no_such_field": {"deep": [1, 2]}})")
            .ok());
  CHECK(ParsePodSandboxConfig("metadata: {name: a, namespace: b}\nno_such_field: [1, 2]\n").ok());
}

TEST_CASE("crictl's checks: metadata, name and namespace; a uid is made up") {
  Result<cri::PodSandboxConfig> no_metadata = ParsePodSandboxConfig(R"({"log_directory": "/x"})");
  REQUIRE_FALSE(no_metadata.ok());
  CHECK(MessageOf(no_metadata.status()) == "metadata is not set");
  Result<cri::PodSandboxConfig> no_ns = ParsePodSandboxConfig("metadata:\n  name: a\n");
  REQUIRE_FALSE(no_ns.ok());
  CHECK(MessageOf(no_ns.status()).find("name or namespace is not in metadata") == 0);
  Result<cri::PodSandboxConfig> uid = ParsePodSandboxConfig("metadata: {name: a, namespace: b}");
  REQUIRE(uid.ok());
  CHECK(uid->metadata().uid().size() == 36);
  CHECK(uid->metadata().uid()[14] == '4');
  Result<cri::PodSandboxConfig> other = ParsePodSandboxConfig("metadata: {name: a, namespace: b}");
  CHECK(other->metadata().uid() != uid->metadata().uid());

  Result<cri::ContainerConfig> c = ParseContainerConfig(R"({"image": {"image": "x"}})");
  REQUIRE_FALSE(c.ok());
  CHECK(MessageOf(c.status()) == "metadata is not set");
  c = ParseContainerConfig(R"({"metadata": {"attempt": 1}})");
  REQUIRE_FALSE(c.ok());
  CHECK(MessageOf(c.status()).find("name is not in metadata") == 0);
}

TEST_CASE("bad files say what is wrong") {
  Result<cri::PodSandboxConfig> json = ParsePodSandboxConfig(R"({"metadata": {"name": )");
  REQUIRE_FALSE(json.ok());
  CHECK(json.status().code() == StatusCode::kInvalidArgument);
  Result<cri::PodSandboxConfig> type =
      ParsePodSandboxConfig(R"({"metadata": {"name": "a", "namespace": "b", "attempt": "many"}})");
  REQUIRE_FALSE(type.ok());
  Result<cri::PodSandboxConfig> yaml = ParsePodSandboxConfig("metadata:\n  name: [a\n");
  REQUIRE_FALSE(yaml.ok());
  CHECK(MessageOf(yaml.status()).find("line") != std::string::npos);
  Result<cri::PodSandboxConfig> shape = ParsePodSandboxConfig("metadata: [a, b]\n");
  REQUIRE_FALSE(shape.ok());
  CHECK(MessageOf(shape.status()).find("line 1") != std::string::npos);
  Result<cri::PodSandboxConfig> flag = ParsePodSandboxConfig(
      "metadata: {name: a, namespace: b}\nlinux: {security_context: {privileged: maybe}}\n");
  REQUIRE_FALSE(flag.ok());
  CHECK(MessageOf(flag.status()).find("privileged") != std::string::npos);
}

TEST_CASE("config files are read from disk; a missing one is named") {
  auto dir = std::filesystem::temp_directory_path() / ("criactl-config-" + RandomUuid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "pod.yaml") << kPodYaml;
  std::ofstream(dir / "container.json") << kContainerJson;
  CHECK(LoadPodSandboxConfig((dir / "pod.yaml").string()).ok());
  CHECK(LoadContainerConfig((dir / "container.json").string()).ok());
  Result<cri::PodSandboxConfig> missing = LoadPodSandboxConfig((dir / "none.json").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(missing.status())
            .find("config at " + (dir / "none.json").string() + " not found") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("YamlToJson keeps the proto's JSON names") {
  Result<std::string> json =
      YamlToJson("log_directory: /x\nmetadata: {name: n}\n", *cri::PodSandboxConfig::descriptor());
  REQUIRE(json.ok());
  CHECK(*json == R"({"logDirectory":"/x","metadata":{"name":"n"}})");
}

}  // namespace
}  // namespace cria::criactl

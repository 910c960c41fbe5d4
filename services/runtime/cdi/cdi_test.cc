// CDI spec files: what loads and what is refused, and how devices are found in the
// directories (priority, conflicts, the files that failed).
#include <catch2/catch.hpp>
#include <fstream>

#include "libs/testing/temp_dir.h"
#include "services/runtime/cdi/cdi_registry.h"
#include "services/runtime/cdi/cdi_spec.h"

namespace cria::runtime::cdi {
namespace {

constexpr const char* kGpuSpec = R"({
  "cdiVersion": "0.6.0",
  "kind": "vendor.example/gpu",
  "annotations": {"a": "b"},
  "containerEdits": {
    "env": ["GPU_DRIVER=1"],
    "hooks": [{"hookName": "createContainer", "path": "/usr/bin/gpu-hook",
               "args": ["gpu-hook", "ldconfig"], "env": ["X=1"], "timeout": 5}],
    "mounts": [{"hostPath": "/opt/gpu/lib", "containerPath": "/usr/lib/gpu",
                "options": ["ro", "nosuid", "nodev", "bind"]}]
  },
  "devices": [
    {"name": "0", "containerEdits": {
      "deviceNodes": [{"path": "/dev/gpu0", "hostPath": "/dev/null", "permissions": "rw"}],
      "env": ["GPU=0"], "additionalGids": [44]}},
    {"name": "all", "containerEdits": {"deviceNodes": [{"path": "/dev/gpu0"}]}}
  ]
})";

Status Parse(const std::string& text) { return ParseSpec(text, "/etc/cdi/x.json").status(); }

TEST_CASE("a CDI spec in JSON: every edit") {
  Result<Spec> spec = ParseSpec(kGpuSpec, "/etc/cdi/gpu.json");
  INFO(MessageOf(spec.status()));
  REQUIRE(spec.ok());
  CHECK(spec->kind == "vendor.example/gpu");
  CHECK(spec->edits.env == std::vector<std::string>{"GPU_DRIVER=1"});
  REQUIRE(spec->edits.hooks.size() == 1);
  CHECK(spec->edits.hooks[0].hook_name == "createContainer");
  CHECK(spec->edits.hooks[0].args == std::vector<std::string>{"gpu-hook", "ldconfig"});
  CHECK(spec->edits.hooks[0].timeout == 5);
  REQUIRE(spec->edits.mounts.size() == 1);
  CHECK(spec->edits.mounts[0].options.size() == 4);
  REQUIRE(spec->devices.size() == 2);
  const ContainerEdits& gpu0 = spec->devices[0].edits;
  REQUIRE(gpu0.device_nodes.size() == 1);
  CHECK(gpu0.device_nodes[0].host_path == "/dev/null");
  CHECK(gpu0.device_nodes[0].permissions == "rw");
  CHECK_FALSE(gpu0.device_nodes[0].major.has_value());
  CHECK(gpu0.additional_gids == std::vector<uint32_t>{44});
}

TEST_CASE("a CDI spec in YAML") {
  Result<Spec> spec = ParseSpec(R"(
cdiVersion: 1.0.0
kind: example.com/fpga
devices:
- name: a
  containerEdits:
    deviceNodes:
    - path: /dev/fpga0
      type: c
      major: 240
      minor: 1
      fileMode: 432
)",
                                "/var/run/cdi/fpga.yaml");
  INFO(MessageOf(spec.status()));
  REQUIRE(spec.ok());
  const DeviceNode& node = spec->devices[0].edits.device_nodes[0];
  CHECK(node.type == "c");
  CHECK(node.major == 240);
  CHECK(node.minor == 1);
  CHECK(node.file_mode == 432u);
}

TEST_CASE("bad CDI specs are refused naming the file and the problem") {
  const std::string device = R"("devices": [{"name": "d", "containerEdits": {"env": ["A=1"]}}])";
  CHECK(Parse(R"({"cdiVersion": "0.6.0", "kind": "v.example/c", )" + device + "}").ok());
  struct Case {
    const char* what;
    std::string text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"not YAML", "{", "/etc/cdi/x.json"},
      {"unknown version", R"({"cdiVersion": "9.0.0", "kind": "v.example/c", )" + device + "}",
       "cdiVersion \"9.0.0\""},
      {"no version", R"({"kind": "v.example/c", )" + device + "}", "\"cdiVersion\" is required"},
      {"kind without class", R"({"cdiVersion": "0.6.0", "kind": "v.example", )" + device + "}",
       "kind \"v.example\""},
      {"unknown field", R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "x": 1, )" + device + "}",
       "unknown field \"x\""},
      {"no devices", R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": []})",
       "no devices"},
      {"bad device name",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "-x",
           "containerEdits": {"env": ["A=1"]}}]})",
       "bad device name \"-x\""},
      {"a device twice",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [
           {"name": "d", "containerEdits": {"env": ["A=1"]}},
           {"name": "d", "containerEdits": {"env": ["A=2"]}}]})",
       "listed twice"},
      {"a device without edits",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d"}]})",
       "has no edits"},
      {"bad env",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d",
           "containerEdits": {"env": ["NOEQUALS"]}}]})",
       "devices[0].containerEdits: environment entry \"NOEQUALS\""},
      {"relative device path",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d",
           "containerEdits": {"deviceNodes": [{"path": "dev/x"}]}}]})",
       "deviceNodes[0]: \"path\" dev/x is not an absolute path"},
      {"bad permissions",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d",
           "containerEdits": {"deviceNodes": [{"path": "/dev/x", "permissions": "rwx"}]}}]})",
       "permissions \"rwx\""},
      {"unknown hook",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d",
           "containerEdits": {"hooks": [{"hookName": "later", "path": "/bin/true"}]}}]})",
       "unknown hook name \"later\""},
      {"a mapping as a key", "{? {a: b} : c}", "/etc/cdi/x.json"},
      {"a list where a string goes",
       R"({"cdiVersion": ["0.6.0"], "kind": "v.example/c", )" + device + "}",
       "\"cdiVersion\" is not a string"},
      {"mount without host path",
       R"({"cdiVersion": "0.6.0", "kind": "v.example/c", "devices": [{"name": "d",
           "containerEdits": {"mounts": [{"containerPath": "/x"}]}}]})",
       "\"hostPath\" is required"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Status s = Parse(c.text);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    INFO(MessageOf(s));
    CHECK(MessageOf(s).find(c.message) != std::string::npos);
  }
}

TEST_CASE("qualified device names") {
  Result<QualifiedName> q = ParseQualifiedName("vendor.example/gpu=0");
  REQUIRE(q.ok());
  CHECK(q->kind == "vendor.example/gpu");
  CHECK(q->name == "0");
  for (const char* bad : {"gpu=0", "vendor.example/gpu", "vendor.example/gpu=", "/gpu=0",
                          "vendor.example/=0", "vendor.example/gpu=-0", "v=x/gpu"}) {
    INFO(bad);
    CHECK(ParseQualifiedName(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("the devices a container asks for: the CRI field, then device plugins' annotations") {
  ::runtime::v1::ContainerConfig config;
  CHECK(RequestedDevices(config).empty());
  config.add_cdi_devices()->set_name("vendor.example/gpu=0");
  (*config.mutable_annotations())["cdi.k8s.io/plugin_b"] =
      "vendor.example/gpu=1,vendor.example/gpu=0";
  (*config.mutable_annotations())["cdi.k8s.io/plugin_a"] = "vendor.example/fpga=a";
  (*config.mutable_annotations())["cdi.k8s.io.not-a-prefix"] = "x.example/y=z";
  CHECK(RequestedDevices(config) == std::vector<std::string>{"vendor.example/gpu=0",
                                                             "vendor.example/fpga=a",
                                                             "vendor.example/gpu=1"});
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string Spec1(const std::string& kind, const std::string& device, const std::string& env) {
  return R"({"cdiVersion": "0.6.0", "kind": ")" + kind + R"(", "devices": [{"name": ")" + device +
         R"(", "containerEdits": {"env": [")" + env + R"("]}}]})";
}

TEST_CASE("devices are found in the directories; later ones win, one directory must agree") {
  cria::testing::TempDir etc("cdi-etc-"), run("cdi-run-");
  const std::vector<std::string> dirs = {etc.path(), run.path()};
  Write(etc.path() + "/gpu.json", kGpuSpec);
  Write(etc.path() + "/other.yaml", Spec1("v.example/c", "d", "FROM=etc"));
  Write(etc.path() + "/ignored.txt", "not a spec");
  Write(etc.path() + "/broken.json", R"({"cdiVersion": "0.6.0"})");

  // Device edits first, then the spec's own, once for both of its devices.
  Result<std::vector<ContainerEdits>> edits =
      Resolve(dirs, {"vendor.example/gpu=0", "vendor.example/gpu=all"});
  INFO(MessageOf(edits.status()));
  REQUIRE(edits.ok());
  REQUIRE(edits->size() == 3);
  CHECK((*edits)[0].env == std::vector<std::string>{"GPU=0"});
  CHECK((*edits)[1].device_nodes[0].path == "/dev/gpu0");
  CHECK((*edits)[2].env == std::vector<std::string>{"GPU_DRIVER=1"});

  edits = Resolve(dirs, {"v.example/c=d"});
  REQUIRE(edits.ok());
  CHECK((*edits)[0].env == std::vector<std::string>{"FROM=etc"});
  // /var/run/cdi over /etc/cdi.
  Write(run.path() + "/c.json", Spec1("v.example/c", "d", "FROM=run"));
  edits = Resolve(dirs, {"v.example/c=d"});
  REQUIRE(edits.ok());
  CHECK((*edits)[0].env == std::vector<std::string>{"FROM=run"});
  // Two files of one directory: refused, naming both.
  Write(run.path() + "/c2.json", Spec1("v.example/c", "d", "FROM=run2"));
  Status s = Resolve(dirs, {"v.example/c=d"}).status();
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(s).find(run.path() + "/c.json") != std::string::npos);
  CHECK(MessageOf(s).find(run.path() + "/c2.json") != std::string::npos);

  // Missing: named, with the files that did not load.
  s = Resolve(dirs, {"vendor.example/gpu=7"}).status();
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  INFO(MessageOf(s));
  CHECK(MessageOf(s).find("vendor.example/gpu=7") != std::string::npos);
  CHECK(MessageOf(s).find(etc.path() + "/broken.json") != std::string::npos);
  CHECK(Resolve(dirs, {"no-class=7"}).status().code() == StatusCode::kInvalidArgument);
  CHECK(Resolve({"/nonexistent-cdi-dir"}, {"vendor.example/gpu=0"}).status().code() ==
        StatusCode::kFailedPrecondition);

  // What cria does not write: refused when asked for, fine otherwise.
  Write(etc.path() + "/rdt.json",
        R"({"cdiVersion": "0.7.0", "kind": "v.example/rdt", "devices": [{"name": "r",
            "containerEdits": {"intelRdt": {"closID": "x"}}}]})");
  s = Resolve(dirs, {"v.example/rdt=r"}).status();
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(s).find("intelRdt") != std::string::npos);
  CHECK(Resolve(dirs, {"vendor.example/gpu=0"}).ok());
}

}  // namespace
}  // namespace cria::runtime::cdi

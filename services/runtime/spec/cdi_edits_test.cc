// CDI edits applied to a generated spec: env, device nodes with what the host fills in,
// their cgroup rules, mounts in depth order, hooks and groups.
#include "services/runtime/spec/cdi_edits.h"

#include <catch2/catch.hpp>

#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

Spec BaseSpec() {
  Spec spec;
  spec.process.env = {"PATH=/bin", "GPU=none"};
  spec.process.user.additional_gids = {0, 10};
  spec.mounts = {{"/proc", "proc", "proc", {}},
                 {"/dev", "tmpfs", "tmpfs", {}},
                 {"/dev/shm", "bind", "/run/shm", {"rbind"}}};
  spec.linux.devices = {Device{"/dev/gpu0", "c", 9, 9, std::nullopt, std::nullopt, std::nullopt}};
  return spec;
}

TEST_CASE("CDI edits: env, device nodes and their rules, mounts, hooks, groups") {
  cdi::ContainerEdits device;
  device.env = {"GPU=0", "NEW=1"};
  cdi::DeviceNode gpu;
  gpu.path = "/dev/gpu0";
  gpu.host_path = "/dev/dri/card0";
  gpu.permissions = "rw";
  device.device_nodes.push_back(gpu);
  cdi::DeviceNode fifo;
  fifo.path = "/dev/pipe";
  fifo.type = "p";
  device.device_nodes.push_back(fifo);
  device.additional_gids = {44, 10, 0};
  cdi::ContainerEdits common;
  common.mounts.push_back({"/opt/gpu/lib", "/usr/lib/gpu/deep", "", {"ro", "bind"}});
  common.mounts.push_back({"/opt/gpu/bin", "/gpu", "", {"ro", "bind"}});
  common.mounts.push_back({"/host/shm", "/dev/shm", "bind", {"rbind"}});
  common.hooks.push_back({"createContainer", "/usr/bin/gpu-hook", {"gpu-hook"}, {}, 5});
  common.hooks.push_back({"createContainer", "/usr/bin/second", {}, {}, std::nullopt});

  Spec spec = BaseSpec();
  testing::FakeHostLookup host;
  REQUIRE(ApplyCdiEdits({device, common}, host, &spec).ok());
  CHECK(spec.process.env == std::vector<std::string>{"PATH=/bin", "GPU=0", "NEW=1"});
  // The old node at the same path is replaced; the host fills type, numbers, mode, owner.
  REQUIRE(spec.linux.devices.size() == 2);
  const Device& d = spec.linux.devices[0];
  CHECK(d.path == "/dev/gpu0");
  CHECK(d.type == "c");
  CHECK(d.major == 226);
  CHECK(d.minor == 0);
  CHECK(d.file_mode == 0660u);
  CHECK(d.gid == 44u);
  CHECK(spec.linux.devices[1].type == "p");
  REQUIRE(spec.linux.resources.devices.size() == 1);  // a FIFO needs no cgroup rule
  const DeviceCgroupRule& rule = spec.linux.resources.devices[0];
  CHECK(rule.allow);
  CHECK(rule.type == "c");
  CHECK(rule.major == 226);
  CHECK(rule.minor == 0);
  CHECK(rule.access == "rw");
  CHECK(spec.process.user.additional_gids == std::vector<uint32_t>{0, 10, 44});
  // By depth, parents first, the rest in order; /dev/shm replaced.
  std::vector<std::string> destinations;
  for (const Mount& m : spec.mounts) destinations.push_back(m.destination);
  CHECK(destinations ==
        std::vector<std::string>{"/proc", "/dev", "/gpu", "/dev/shm", "/usr/lib/gpu/deep"});
  CHECK(spec.mounts[3].source == "/host/shm");
  REQUIRE(spec.hooks["createContainer"].size() == 2);
  CHECK(spec.hooks["createContainer"][0].path == "/usr/bin/gpu-hook");
  CHECK(spec.hooks["createContainer"][0].timeout == 5);
}

TEST_CASE("CDI device nodes: given in full, or refused when the host has no such node") {
  testing::FakeHostLookup host;
  cdi::ContainerEdits edits;
  cdi::DeviceNode full;
  full.path = "/dev/fpga0";
  full.type = "c";
  full.major = 240;
  full.minor = 1;
  full.file_mode = 0600;
  edits.device_nodes.push_back(full);
  Spec spec = BaseSpec();
  REQUIRE(ApplyCdiEdits({edits}, host, &spec).ok());  // nothing looked up on the host
  CHECK(spec.linux.devices.back().major == 240);
  CHECK(spec.linux.resources.devices.back().access == "rwm");

  cdi::DeviceNode missing;
  missing.path = "/dev/nothing";
  edits.device_nodes = {missing};
  spec = BaseSpec();
  CHECK(ApplyCdiEdits({edits}, host, &spec).code() == StatusCode::kNotFound);
  cdi::DeviceNode wrong_type;
  wrong_type.path = "/dev/sda";
  wrong_type.type = "c";
  edits.device_nodes = {wrong_type};
  Status s = ApplyCdiEdits({edits}, host, &spec);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(s).find("/dev/sda is b") != std::string::npos);
}

}  // namespace
}  // namespace cria::runtime::spec

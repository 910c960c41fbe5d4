// Resources, OOM score, namespaces, cgroup paths and sysctls.
#include "services/runtime/spec/resources.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "libs/records/json_object.h"
#include "services/runtime/spec/cgroup_path.h"
#include "services/runtime/spec/namespaces.h"
#include "services/runtime/spec/sysctls.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
using Catch::Contains;

TEST_CASE("CPU and memory limits") {
  HostFacts host = testing::BasicHost();
  cri::LinuxContainerResources r;
  r.set_cpu_period(100000);
  r.set_cpu_quota(50000);
  r.set_cpu_shares(512);
  r.set_cpuset_cpus("0-1");
  r.set_cpuset_mems("0");
  r.set_memory_limit_in_bytes(256 << 20);
  Result<Resources> out = BuildResources(r, host);
  REQUIRE(out.ok());
  CHECK(*out->cpu.period == 100000);
  CHECK(*out->cpu.quota == 50000);
  CHECK(*out->cpu.shares == 512);
  CHECK(out->cpu.cpus == "0-1");
  CHECK(out->cpu.mems == "0");
  CHECK(*out->memory.limit == 256 << 20);
  // No swap limit given: swap = limit, so the container does not swap.
  CHECK(*out->memory.swap == 256 << 20);

  SECTION("an explicit swap limit") {
    r.set_memory_swap_limit_in_bytes(512 << 20);
    CHECK(*BuildResources(r, host)->memory.swap == 512 << 20);
  }
  SECTION("no swap accounting on the host: no swap setting") {
    host.swap_limit_supported = false;
    r.set_memory_swap_limit_in_bytes(512 << 20);
    CHECK_FALSE(BuildResources(r, host)->memory.swap);
  }
}

TEST_CASE("unset resources stay unset") {
  Result<Resources> out = BuildResources({}, testing::BasicHost());
  REQUIRE(out.ok());
  CHECK(out->cpu.Empty());
  CHECK(out->memory.Empty());
  CHECK(out->hugepage_limits.empty());
  CHECK(out->unified.empty());
}

TEST_CASE("hugepages and the unified map") {
  HostFacts host = testing::BasicHost();
  cri::LinuxContainerResources r;
  cri::HugepageLimit* h = r.add_hugepage_limits();
  h->set_page_size("2MB");
  h->set_limit(4 << 20);
  (*r.mutable_unified())["memory.high"] = "100M";
  Result<Resources> out = BuildResources(r, host);
  REQUIRE(out.ok());
  REQUIRE(out->hugepage_limits.size() == 1);
  CHECK(out->hugepage_limits[0].page_size == "2MB");
  CHECK(out->hugepage_limits[0].limit == 4 << 20);
  CHECK(out->unified.at("memory.high") == "100M");

  SECTION("without hugetlb") {
    host.hugetlb_supported = false;
    Status s = BuildResources(r, host).status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(MessageOf(s), Contains("hugetlb"));
  }
  SECTION("unified on cgroup v1") {
    host.cgroup_v2 = false;
    r.clear_hugepage_limits();
    CHECK(BuildResources(r, host).status().code() == StatusCode::kFailedPrecondition);
  }
  SECTION("a unified key with a path") {
    (*r.mutable_unified())["../memory.max"] = "1";
    CHECK(BuildResources(r, host).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("negative resources are refused, -1 means unlimited where it can") {
  HostFacts host = testing::BasicHost();
  cri::LinuxContainerResources r;
  r.set_cpu_quota(-1);
  r.set_memory_swap_limit_in_bytes(-1);
  REQUIRE(BuildResources(r, host).ok());
  r.set_memory_limit_in_bytes(-2);
  CHECK(BuildResources(r, host).status().code() == StatusCode::kInvalidArgument);
  r.set_memory_limit_in_bytes(0);
  r.set_cpu_shares(-1);
  CHECK(BuildResources(r, host).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("oom_score_adj is clamped to what the runtime may set") {
  Result<OomScoreAdj> adj = ClampOomScoreAdj(-997, -1000);
  CHECK(adj->applied == -997);
  CHECK_FALSE(adj->Clamped());
  adj = ClampOomScoreAdj(-997, 0);
  CHECK(adj->requested == -997);
  CHECK(adj->applied == 0);
  CHECK(adj->Clamped());
  adj = ClampOomScoreAdj(1000, 0);
  CHECK(adj->applied == 1000);
  CHECK(ClampOomScoreAdj(1001, 0).status().code() == StatusCode::kInvalidArgument);
  CHECK(ClampOomScoreAdj(-1001, -1000).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the runc update resources JSON") {
  cri::LinuxContainerResources r;
  r.set_cpu_shares(256);
  r.set_cpu_quota(20000);
  r.set_cpu_period(100000);
  r.set_memory_limit_in_bytes(1 << 30);
  r.set_oom_score_adj(500);  // not updatable this way
  Result<std::string> json = UpdateResourcesJson(r, testing::BasicHost());
  REQUIRE(json.ok());
  CHECK(*json == R"({"memory":{"limit":1073741824,"swap":1073741824},)"
                 R"("cpu":{"shares":256,"quota":20000,"period":100000}})");
  REQUIRE(records::ParseJsonObject(*json).ok());
  CHECK(*UpdateResourcesJson({}, testing::BasicHost()) == "{}");
  r.set_cpu_period(-5);
  CHECK(UpdateResourcesJson(r, testing::BasicHost()).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("a written config.json gets new resources; device rules and pids stay") {
  const std::string config =
      R"({"ociVersion":"1.0.2","process":{"oomScoreAdj":5},"linux":{"resources":{)"
      R"("devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":1,"swap":1},)"
      R"("cpu":{"shares":2,"cpus":"0"},"pids":{"limit":64},"unified":{"a":"b"}},)"
      R"("cgroupsPath":"/p/c"}})";
  cri::LinuxContainerResources r;
  r.set_memory_limit_in_bytes(1 << 20);
  r.set_cpu_quota(50000);
  Result<std::string> out = ReplaceSpecResources(config, r, testing::BasicHost());
  REQUIRE(out.ok());
  CHECK(*out == R"({"ociVersion":"1.0.2","process":{"oomScoreAdj":5},"linux":{"resources":{)"
                R"("devices":[{"allow":false,"access":"rwm"}],"pids":{"limit":64},)"
                R"("memory":{"limit":1048576,"swap":1048576},"cpu":{"quota":50000}},)"
                R"("cgroupsPath":"/p/c"}})"
                "\n");
  // None at all: the settings go, the rest stays.
  out = ReplaceSpecResources(config, {}, testing::BasicHost());
  REQUIRE(out.ok());
  CHECK(out->find("memory") == std::string::npos);
  CHECK(out->find("unified") == std::string::npos);
  CHECK(out->find(R"("pids":{"limit":64})") != std::string::npos);
  // A spec without linux.resources gets them.
  out = ReplaceSpecResources(R"({"linux":{}})", r, testing::BasicHost());
  REQUIRE(out.ok());
  CHECK(*out == R"({"linux":{"resources":{"memory":{"limit":1048576,"swap":1048576},)"
                R"("cpu":{"quota":50000}}}})"
                "\n");
  CHECK(ReplaceSpecResources(R"({"process":{}})", r, testing::BasicHost()).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(ReplaceSpecResources("not json", r, testing::BasicHost()).status().code() ==
        StatusCode::kInvalidArgument);
  r.set_cpu_period(-5);
  CHECK(ReplaceSpecResources(config, r, testing::BasicHost()).status().code() ==
        StatusCode::kInvalidArgument);
}

cri::NamespaceOption Ns(cri::NamespaceMode network, cri::NamespaceMode ipc,
                        cri::NamespaceMode pid) {
  cri::NamespaceOption ns;
  ns.set_network(network);
  ns.set_ipc(ipc);
  ns.set_pid(pid);
  return ns;
}

std::vector<std::string> Render(const std::vector<Namespace>& namespaces) {
  std::vector<std::string> out;
  for (const Namespace& ns : namespaces) out.push_back(ns.type + "=" + ns.path);
  return out;
}

PodNamespacePaths Paths() {
  return {"/run/netns/p", "/run/ipcns/p", "/run/utsns/p", "/run/pidns/p"};
}

TEST_CASE("namespaces: the pod's, the host's or new ones") {
  NamespaceInputs in;
  in.paths = Paths();
  cri::NamespaceOption pod = Ns(cri::POD, cri::POD, cri::CONTAINER);
  in.pod = &pod;
  SECTION("an ordinary pod: the pod's network, IPC and UTS, a PID namespace of its own") {
    cri::NamespaceOption c = Ns(cri::POD, cri::POD, cri::CONTAINER);
    in.container = &c;
    CHECK(Render(*BuildNamespaces(in)) == std::vector<std::string>{"mount=", "network=/run/netns/p",
                                                                   "ipc=/run/ipcns/p",
                                                                   "uts=/run/utsns/p", "pid="});
  }
  SECTION("a pod sharing its PID namespace") {
    cri::NamespaceOption c = Ns(cri::POD, cri::POD, cri::POD);
    in.container = &c;
    CHECK(Render(*BuildNamespaces(in)).back() == "pid=/run/pidns/p");
  }
  SECTION("host network (and so host UTS), host IPC, host PID") {
    cri::NamespaceOption host_pod = Ns(cri::NODE, cri::NODE, cri::NODE);
    in.pod = &host_pod;
    cri::NamespaceOption c = Ns(cri::NODE, cri::NODE, cri::NODE);
    in.container = &c;
    CHECK(Render(*BuildNamespaces(in)) == std::vector<std::string>{"mount="});
  }
  SECTION("TARGET joins the target container's PID namespace") {
    cri::NamespaceOption c = Ns(cri::POD, cri::POD, cri::TARGET);
    c.set_target_id("abc");
    in.container = &c;
    in.target_pid = 4242;
    CHECK(Render(*BuildNamespaces(in)).back() == "pid=/proc/4242/ns/pid");
    in.target_pid = 0;
    Status s = BuildNamespaces(in).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("abc"));
  }
  SECTION("nothing pinned: new namespaces; cgroup namespace when asked") {
    in.paths = {};
    in.cgroup_namespace = true;
    cri::NamespaceOption c = Ns(cri::POD, cri::POD, cri::POD);
    in.container = &c;
    CHECK(Render(*BuildNamespaces(in)) ==
          std::vector<std::string>{"mount=", "network=", "ipc=", "uts=", "pid=", "cgroup="});
  }
  SECTION("the pause container always makes the PID namespace") {
    in.new_pid = true;
    CHECK(Render(*BuildNamespaces(in)).back() == "pid=");
  }
  SECTION("user namespaces are refused") {
    cri::NamespaceOption c = Ns(cri::POD, cri::POD, cri::CONTAINER);
    c.mutable_userns_options()->set_mode(cri::POD);
    in.container = &c;
    Status s = BuildNamespaces(in).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("user namespace"));
    c.mutable_userns_options()->set_mode(cri::NODE);
    CHECK(BuildNamespaces(in).ok());
  }
  SECTION("modes that do not exist for a namespace") {
    cri::NamespaceOption bad = Ns(cri::CONTAINER, cri::POD, cri::CONTAINER);
    in.pod = &bad;
    CHECK(BuildNamespaces(in).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("cgroups paths in both drivers' syntax") {
  CHECK(*CgroupsPath("/kubepods/burstable/pod1", cgroups::Driver::kCgroupfs, "abc") ==
        "/kubepods/burstable/pod1/cria-abc");
  CHECK(*CgroupsPath("", cgroups::Driver::kCgroupfs, "abc") == "/cria/cria-abc");
  CHECK(*CgroupsPath("/", cgroups::Driver::kCgroupfs, "abc") == "/cria-abc");
  CHECK(*CgroupsPath("/k/", cgroups::Driver::kCgroupfs, "abc") == "/k/cria-abc");
  CHECK(*CgroupsPath("kubepods-burstable-pod1.slice", cgroups::Driver::kSystemd, "abc") ==
        "kubepods-burstable-pod1.slice:cria:abc");
  CHECK(*CgroupsPath("", cgroups::Driver::kSystemd, "abc") == "system.slice:cria:abc");
  CHECK(CgroupsPath("kubepods.slice", cgroups::Driver::kCgroupfs, "abc").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(CgroupsPath("/kubepods", cgroups::Driver::kSystemd, "abc").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(CgroupsPath("/k", cgroups::Driver::kCgroupfs, "a/b").status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("the cgroup directory a cgroupsPath names, as runc and systemd lay it out") {
  CHECK(*CgroupDirOf("/kubepods/burstable/pod1/cria-abc") == "/kubepods/burstable/pod1/cria-abc");
  CHECK(*CgroupDirOf("kubepods-burstable-pod1.slice:cria:abc") ==
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cria-abc.scope");
  CHECK(*CgroupDirOf("system.slice:cria:abc") == "/system.slice/cria-abc.scope");
  CHECK(*CgroupDirOf("-.slice:cria:abc") == "/cria-abc.scope");
  for (const char* bad : {"-a.slice:cria:x", "a--b.slice:cria:x", "a-.slice:cria:x",
                          ".slice:cria:x", "a.scope:cria:x", "a/b.slice:cria:x", "a.slice:x"}) {
    INFO(bad);
    CHECK(CgroupDirOf(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

google::protobuf::Map<std::string, std::string> Sysctls(
    std::vector<std::pair<std::string, std::string>> entries) {
  google::protobuf::Map<std::string, std::string> out;
  for (const auto& [k, v] : entries) out[k] = v;
  return out;
}

TEST_CASE("sysctls: namespaced ones in the pod's own namespaces") {
  auto sysctls = Sysctls({{"net.ipv4.ip_forward", "1"},
                          {"kernel.shm_rmid_forced", "1"},
                          {"net/ipv4/conf/eth0.100/forwarding", "1"},
                          {"fs.mqueue.msg_max", "20"}});
  Result<std::map<std::string, std::string>> out = BuildSysctls(sysctls, false, false);
  REQUIRE(out.ok());
  CHECK(out->size() == 4);
  CHECK(out->at("net.ipv4.ip_forward") == "1");

  SECTION("net.* with host networking is refused") {
    Status s = BuildSysctls(sysctls, true, false).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("host network"));
  }
  SECTION("IPC sysctls with host IPC are refused") {
    Status s = BuildSysctls(Sysctls({{"kernel.shm_rmid_forced", "1"}}), false, true).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SECTION("UTS sysctls with the host's UTS are refused") {
    CHECK(BuildSysctls(Sysctls({{"kernel.domainname", "x"}}), true, false).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(BuildSysctls(Sysctls({{"kernel.domainname", "x"}}), false, false).ok());
  }
  SECTION("node-wide sysctls are refused") {
    Status s = BuildSysctls(Sysctls({{"vm.swappiness", "1"}}), false, false).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("vm.swappiness"));
  }
}

TEST_CASE("default sysctls: name=value items, namespaced ones only") {
  Result<std::map<std::string, std::string>> parsed = ParseDefaultSysctls(
      {"net.ipv4.ping_group_range=0 2147483647", "kernel/shm_rmid_forced=1", "kernel.sem=a=b"});
  REQUIRE(parsed.ok());
  CHECK(*parsed ==
        std::map<std::string, std::string>{{"kernel.sem", "a=b"},
                                           {"kernel/shm_rmid_forced", "1"},
                                           {"net.ipv4.ping_group_range", "0 2147483647"}});
  CHECK(ParseDefaultSysctls({}).value().empty());
  Status node = ParseDefaultSysctls({"net.ipv4.ip_forward=1", "vm.swappiness=1"}).status();
  CHECK(node.code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(node) == "sysctl vm.swappiness is not namespaced and cannot be set for a pod");
  for (const char* bad : {"net.ipv4.ip_forward", "=1"}) {
    Status s = ParseDefaultSysctls({bad}).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("not of the form name=value"));
  }
}

TEST_CASE("a pod's sysctls: its own, then the defaults it has the namespace of") {
  const std::map<std::string, std::string> defaults = {
      {"net.ipv4.ping_group_range", "0 2147483647"},
      {"net/ipv4/ip_unprivileged_port_start", "0"},
      {"kernel.shm_rmid_forced", "1"},
      {"kernel.domainname", "example"}};
  using Map = std::map<std::string, std::string>;
  // The pod's own value wins, whichever separator either side uses.
  auto own = Sysctls({{"net.ipv4.ip_unprivileged_port_start", "80"}});
  CHECK(PodSysctls(defaults, own, false, false).value() ==
        Map{{"kernel.domainname", "example"},
            {"kernel.shm_rmid_forced", "1"},
            {"net.ipv4.ip_unprivileged_port_start", "80"},
            {"net.ipv4.ping_group_range", "0 2147483647"}});
  // Host network (and so the host's UTS namespace): no net.* or UTS defaults; host IPC: no
  // IPC ones. Left out, not refused.
  CHECK(PodSysctls(defaults, {}, true, false).value() == Map{{"kernel.shm_rmid_forced", "1"}});
  CHECK(PodSysctls(defaults, {}, false, true).value() ==
        Map{{"kernel.domainname", "example"},
            {"net.ipv4.ping_group_range", "0 2147483647"},
            {"net/ipv4/ip_unprivileged_port_start", "0"}});
  CHECK(PodSysctls(defaults, {}, true, true).value().empty());
  // The pod's own are still checked.
  Status s = PodSysctls(defaults, Sysctls({{"net.ipv4.ip_forward", "1"}}), true, false).status();
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(s), Contains("host networking"));
  CHECK(PodSysctls({}, own, false, false).value() ==
        Map{{"net.ipv4.ip_unprivileged_port_start", "80"}});
}

TEST_CASE("an update replaces what it sets and keeps the rest") {
  cri::LinuxContainerResources current;
  current.set_cpu_shares(256);
  current.set_cpu_quota(50000);
  current.set_cpu_period(100000);
  current.set_memory_limit_in_bytes(64 << 20);
  current.set_oom_score_adj(-997);
  current.set_cpuset_cpus("0");
  (*current.mutable_unified())["memory.high"] = "max";
  (*current.mutable_unified())["cpu.weight"] = "10";
  current.add_hugepage_limits()->set_page_size("2MB");

  cri::LinuxContainerResources update;
  update.set_memory_limit_in_bytes(128 << 20);
  update.set_cpu_quota(-1);
  update.set_oom_score_adj(500);  // not updatable: ignored
  (*update.mutable_unified())["memory.high"] = "1G";
  cri::LinuxContainerResources merged = MergeResourceUpdate(current, update);
  CHECK(merged.memory_limit_in_bytes() == 128 << 20);
  CHECK(merged.cpu_quota() == -1);
  CHECK(merged.cpu_shares() == 256);
  CHECK(merged.cpu_period() == 100000);
  CHECK(merged.oom_score_adj() == -997);
  CHECK(merged.cpuset_cpus() == "0");
  CHECK(merged.unified().at("memory.high") == "1G");
  CHECK(merged.unified().at("cpu.weight") == "10");
  CHECK(merged.hugepage_limits_size() == 1);

  cri::LinuxContainerResources cpus;
  cpus.set_cpuset_cpus("1");
  cpus.add_hugepage_limits()->set_page_size("1GB");
  merged = MergeResourceUpdate(merged, cpus);
  CHECK(merged.cpuset_cpus() == "1");
  REQUIRE(merged.hugepage_limits_size() == 1);
  CHECK(merged.hugepage_limits(0).page_size() == "1GB");
  CHECK(merged.memory_limit_in_bytes() == 128 << 20);
}

}  // namespace
}  // namespace cria::runtime::spec

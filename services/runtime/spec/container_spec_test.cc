// The whole spec of a container and of a pod's infra process, and its JSON.
#include "services/runtime/spec/container_spec.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "libs/records/json_object.h"
#include "services/runtime/spec/annotations.h"
#include "services/runtime/spec/environment.h"
#include "services/runtime/spec/host_detect.h"
#include "services/runtime/spec/lsm.h"
#include "services/runtime/spec/masked_paths.h"
#include "services/runtime/spec/pause_spec.h"
#include "services/runtime/spec/spec_json.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
using Catch::Contains;
using Strings = std::vector<std::string>;
using testing::TempDir;
using testing::WriteFile;

struct Fixture {
  TempDir dir;
  std::string rootfs = dir.path() + "/rootfs";
  cri::ContainerConfig config = testing::BasicContainer();
  cri::PodSandboxConfig pod = testing::BasicPod();
  cria::image::v1::ImageConfig image;
  HostFacts host = testing::BasicHost();
  testing::FakeHostLookup lookup;
  PreparedContainer prepared = testing::BasicPrepared(rootfs);

  Fixture() {
    WriteFile(rootfs + "/etc/passwd", "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/bin/sh\n");
    WriteFile(rootfs + "/etc/group", "root:x:0:\nweb:x:33:\n");
    image.add_env("LANG=C");
    image.set_working_dir("/srv");
  }

  cri::LinuxContainerSecurityContext* security() {
    return config.mutable_linux()->mutable_security_context();
  }

  GeneratedSpec Generate() {
    Result<GeneratedSpec> out = GenerateContainerSpec(config, pod, image, prepared, host, lookup);
    INFO(out.status().ToString());
    REQUIRE(out.ok());
    return *out;
  }

  Status Error() {
    return GenerateContainerSpec(config, pod, image, prepared, host, lookup).status();
  }
};

Strings NamespaceTypes(const Spec& spec) {
  Strings out;
  for (const Namespace& ns : spec.linux.namespaces) out.push_back(ns.type);
  return out;
}

const Mount* FindMount(const Spec& spec, const std::string& destination) {
  for (const Mount& m : spec.mounts) {
    if (m.destination == destination) return &m;
  }
  return nullptr;
}

TEST_CASE("an ordinary container's spec") {
  Fixture f;
  f.prepared.pod_files.hosts = "/run/cria/p1/hosts";
  (*f.pod.mutable_linux()->mutable_sysctls())["net.core.somaxconn"] = "1024";
  GeneratedSpec out = f.Generate();
  const Spec& s = out.spec;
  CHECK(s.oci_version == "1.0.2");
  CHECK(s.process.args == Strings{"/bin/app"});
  CHECK(s.process.env == Strings{kDefaultPath, "HOSTNAME=web-0", "LANG=C"});
  CHECK(s.process.cwd == "/srv");
  CHECK_FALSE(s.process.terminal);
  CHECK(s.process.user.uid == 0);
  CHECK(s.process.capabilities.bounding.size() == 9);
  CHECK_FALSE(s.process.no_new_privileges);
  CHECK(*s.process.oom_score_adj == 0);
  CHECK(s.process.rlimits.empty());
  CHECK(s.root.path == f.rootfs);
  CHECK_FALSE(s.root.readonly);
  CHECK(s.hostname == "web-0");
  CHECK(FindMount(s, "/etc/hosts")->source == "/run/cria/p1/hosts");
  CHECK(NamespaceTypes(s) == Strings{"mount", "network", "ipc", "uts", "pid", "cgroup"});
  CHECK(s.linux.namespaces[1].path == "/run/cria/netns/p1");
  CHECK(s.linux.cgroups_path == "/kubepods/pod-uid-1/cria-c1");
  CHECK(s.linux.masked_paths == DefaultMaskedPaths());
  CHECK(s.linux.sysctl.at("net.core.somaxconn") == "1024");
  CHECK(s.linux.seccomp_json.empty());  // no profile asked for: Unconfined, as containerd
  CHECK(s.linux.resources.devices.size() == 9);
  CHECK(s.annotations.at(kContainerType) == "container");
  CHECK(s.annotations.at(kSandboxId) == "p1");
  CHECK(s.annotations.at(kContainerName) == "app");
  CHECK(s.annotations.at(kImageName) == "registry.example/app:1");
  CHECK_FALSE(out.oom_score_adj.Clamped());
}

TEST_CASE("the security context reaches the spec") {
  Fixture f;
  auto* sc = f.security();
  sc->set_run_as_username("web");
  sc->set_readonly_rootfs(true);
  sc->set_no_new_privs(true);
  sc->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  sc->mutable_capabilities()->add_drop_capabilities("ALL");
  f.config.set_tty(true);
  f.config.mutable_linux()->mutable_resources()->set_oom_score_adj(-900);
  f.config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(1 << 30);
  f.prepared.pids_limit = 1024;
  f.prepared.rlimits = {{"RLIMIT_NOFILE", 1048576, 1048576}};
  f.host.oom_score_adj_floor = -500;
  GeneratedSpec out = f.Generate();
  const Spec& s = out.spec;
  CHECK(s.process.user.uid == 33);
  CHECK(s.process.user.gid == 33);
  CHECK(s.root.readonly);
  CHECK(s.process.no_new_privileges);
  CHECK(s.process.terminal);
  CHECK(s.process.env.back() == "LANG=C");
  CHECK(s.process.capabilities.bounding.empty());
  CHECK(s.process.rlimits.size() == 1);
  CHECK_FALSE(s.linux.seccomp_json.empty());
  CHECK(*s.linux.resources.memory.limit == 1 << 30);
  CHECK(*s.linux.resources.pids_limit == 1024);
  // -900 is below what this runtime may set: clamped and reported.
  CHECK(*s.process.oom_score_adj == -500);
  CHECK(out.oom_score_adj.requested == -900);
  CHECK(out.oom_score_adj.Clamped());
}

TEST_CASE("privileged containers") {
  Fixture f;
  f.security()->set_privileged(true);
  f.security()->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  SECTION("are refused in a pod that does not allow them") {
    Status s = f.Error();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("privileged"));
  }
  SECTION("get every capability and device, no seccomp and nothing hidden") {
    f.pod.mutable_linux()->mutable_security_context()->set_privileged(true);
    const Spec s = f.Generate().spec;
    CHECK(s.process.capabilities.bounding == KnownCapabilities());
    CHECK(s.linux.seccomp_json.empty());
    CHECK(s.linux.masked_paths.empty());
    CHECK(s.linux.readonly_paths.empty());
    CHECK(FindMount(s, "/sys")->options.back() == "rw");
    CHECK(s.linux.devices.size() == 5);
    REQUIRE(s.linux.resources.devices.size() == 1);
    CHECK(s.linux.resources.devices[0].allow);
    // No cgroup namespace for privileged containers, as containerd.
    CHECK(NamespaceTypes(s).back() == "pid");
  }
}

TEST_CASE("a host-network pod") {
  Fixture f;
  auto* ns = f.pod.mutable_linux()->mutable_security_context()->mutable_namespace_options();
  ns->set_network(cri::NODE);
  SECTION("shares the host's network and UTS, and has no hostname of its own") {
    const Spec s = f.Generate().spec;
    CHECK(NamespaceTypes(s) == Strings{"mount", "ipc", "pid", "cgroup"});
    CHECK(s.hostname.empty());
  }
  SECTION("cannot set net.* sysctls") {
    (*f.pod.mutable_linux()->mutable_sysctls())["net.ipv4.ip_forward"] = "1";
    Status s = f.Error();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("net.ipv4.ip_forward"));
  }
}

TEST_CASE("requests cria refuses") {
  Fixture f;
  SECTION("user namespaces") {
    f.pod.mutable_linux()
        ->mutable_security_context()
        ->mutable_namespace_options()
        ->mutable_userns_options()
        ->set_mode(cri::POD);
    CHECK_THAT(MessageOf(f.Error()), Contains("user namespaces are not supported"));
  }
  SECTION("an unknown user") {
    f.image.set_user("ghost");
    Status s = f.Error();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("ghost") && Contains("registry.example/app:1"));
  }
  SECTION("nothing to run") {
    f.config.clear_command();
    CHECK(f.Error().code() == StatusCode::kInvalidArgument);
  }
  SECTION("a relative mount path") {
    cri::Mount* m = f.config.add_mounts();
    m->set_container_path("data");
    m->set_host_path("/srv/data");
    CHECK(f.Error().code() == StatusCode::kInvalidArgument);
  }
  SECTION("a missing Localhost seccomp profile") {
    auto* seccomp = f.security()->mutable_seccomp();
    seccomp->set_profile_type(cri::SecurityProfile::Localhost);
    seccomp->set_localhost_ref("/no/such/profile.json");
    Status s = f.Error();
    CHECK(s.code() == StatusCode::kNotFound);
    CHECK_THAT(MessageOf(s), Contains("/no/such/profile.json"));
  }
  SECTION("an AppArmor profile on a host without AppArmor") {
    auto* apparmor = f.security()->mutable_apparmor();
    apparmor->set_profile_type(cri::SecurityProfile::Localhost);
    apparmor->set_localhost_ref("my-profile");
    Status s = f.Error();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(MessageOf(s), Contains("my-profile") && Contains("AppArmor"));
  }
  SECTION("SELinux options on a host without SELinux") {
    f.security()->mutable_selinux_options()->set_level("s0:c1,c2");
    CHECK(f.Error().code() == StatusCode::kFailedPrecondition);
  }
  SECTION("a relative rootfs") {
    f.prepared.rootfs = "rootfs";
    CHECK(f.Error().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("AppArmor and SELinux are passed through where the host has them") {
  Fixture f;
  f.host.apparmor_enabled = true;
  f.host.apparmor_default_profile = "cria-default";
  f.host.selinux_enabled = true;
  SECTION("RuntimeDefault AppArmor is the configured default profile") {
    CHECK(f.Generate().spec.process.apparmor_profile == "cria-default");
  }
  SECTION("a Localhost AppArmor profile") {
    auto* apparmor = f.security()->mutable_apparmor();
    apparmor->set_profile_type(cri::SecurityProfile::Localhost);
    apparmor->set_localhost_ref("localhost/custom");
    CHECK(f.Generate().spec.process.apparmor_profile == "custom");
  }
  SECTION("the deprecated AppArmor string") {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    f.security()->set_apparmor_profile("unconfined");
#pragma GCC diagnostic pop
    CHECK(f.Generate().spec.process.apparmor_profile.empty());
  }
  SECTION("SELinux labels from the container, else the pod") {
    auto* pod_options =
        f.pod.mutable_linux()->mutable_security_context()->mutable_selinux_options();
    pod_options->set_level("s0:c1,c2");
    Spec s = f.Generate().spec;
    CHECK(s.process.selinux_label == "system_u:system_r:container_t:s0:c1,c2");
    CHECK(s.linux.mount_label == "system_u:object_r:container_file_t:s0:c1,c2");
    f.security()->mutable_selinux_options()->set_type("spc_t");
    f.security()->mutable_selinux_options()->set_level("s0:c3,c4");
    s = f.Generate().spec;
    CHECK(s.process.selinux_label == "system_u:system_r:spc_t:s0:c3,c4");
  }
}

TEST_CASE("the deprecated AppArmor and seccomp strings") {
  HostFacts host = testing::BasicHost();
  host.apparmor_enabled = true;
  host.apparmor_default_profile = "cria-default";
  CHECK(*AppArmorProfile(false, {}, "", false, host) == "cria-default");
  CHECK(*AppArmorProfile(false, {}, "runtime/default", true, host) == "");
  CHECK(*AppArmorProfile(false, {}, "localhost/p", true, host) == "p");
  CHECK(AppArmorProfile(false, {}, "bogus", false, host).status().code() ==
        StatusCode::kInvalidArgument);
  host.apparmor_enabled = false;
  CHECK(*AppArmorProfile(false, {}, "runtime/default", false, host) == "");
}

TEST_CASE("the spec as config.json") {
  Fixture f;
  f.security()->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  f.security()->add_supplemental_groups(500);
  f.config.mutable_linux()->mutable_resources()->set_cpu_shares(100);
  f.prepared.pod_files.resolv_conf = "/run/cria/p1/resolv.conf";
  GeneratedSpec out = f.Generate();
  Result<std::string> json = SpecToJson(out.spec);
  REQUIRE(json.ok());
  Result<rapidjson::Document> doc = records::ParseJsonObject(*json);
  REQUIRE(doc.ok());
  const rapidjson::Value& d = *doc;
  CHECK(std::string(d["ociVersion"].GetString()) == "1.0.2");
  CHECK(d["process"]["user"]["additionalGids"].Size() == 2);
  CHECK(d["process"]["args"][0] == "/bin/app");
  CHECK(d["process"]["capabilities"]["inheritable"].IsArray());
  CHECK(d["process"]["oomScoreAdj"].GetInt() == 0);
  CHECK(d["root"]["path"] == f.rootfs.c_str());
  CHECK(d["hostname"] == "web-0");
  CHECK(d["mounts"].Size() == out.spec.mounts.size());
  CHECK(d["linux"]["seccomp"]["defaultAction"] == "SCMP_ACT_ERRNO");
  CHECK(d["linux"]["resources"]["cpu"]["shares"].GetUint64() == 100);
  CHECK(d["linux"]["resources"]["devices"][0]["allow"].IsFalse());
  CHECK_FALSE(d["linux"]["resources"]["devices"][0].HasMember("major"));
  CHECK(d["linux"]["cgroupsPath"] == "/kubepods/pod-uid-1/cria-c1");
  CHECK(d["linux"]["namespaces"][0]["type"] == "mount");
  CHECK_FALSE(d["linux"]["namespaces"][0].HasMember("path"));
  CHECK(d["linux"]["maskedPaths"].Size() == DefaultMaskedPaths().size());
  CHECK(d["annotations"][kContainerType] == "container");
  CHECK_FALSE(d.HasMember("rlimits"));

  Spec broken = out.spec;
  broken.linux.seccomp_json = "[1]";
  CHECK(SpecToJson(broken).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("annotations: the CRI's, then containerd's io.kubernetes.cri keys") {
  cri::ContainerConfig config = testing::BasicContainer();
  (*config.mutable_annotations())["team"] = "a";
  (*config.mutable_annotations())[kContainerType] = "spoofed";
  cri::PodSandboxConfig pod = testing::BasicPod();
  (*pod.mutable_annotations())["pod-note"] = "x";
  auto* r = pod.mutable_linux()->mutable_resources();
  r->set_cpu_shares(1024);
  r->set_memory_limit_in_bytes(1 << 20);
  auto c = ContainerAnnotations(config, pod, "p1", "img:1");
  CHECK(c.at("team") == "a");
  CHECK(c.at(kContainerType) == "container");
  CHECK(c.at(kSandboxName) == "web");
  CHECK(c.at(kSandboxNamespace) == "default");
  CHECK(c.at(kSandboxUid) == "uid-1");
  CHECK(c.at(kSandboxCpuShares) == "1024");
  CHECK(c.at(kSandboxMemory) == "1048576");
  CHECK(c.count("pod-note") == 0);
  auto s = SandboxAnnotations(pod, "p1");
  CHECK(s.at("pod-note") == "x");
  CHECK(s.at(kContainerType) == "sandbox");
  CHECK(s.at(kSandboxLogDirectory) == "/var/log/pods/default_web_uid-1");
  CHECK(s.count(kContainerName) == 0);
}

struct PauseFixture {
  cri::PodSandboxConfig pod = testing::BasicPod();
  HostFacts host = testing::BasicHost();
  PreparedPause prepared;
  PauseFixture() {
    prepared.pod_id = "p1";
    prepared.rootfs = "/run/cria/pause-rootfs";
    prepared.cgroup_parent = "/kubepods/pod-uid-1";
    prepared.namespaces = {"/run/netns/p1", "/run/ipcns/p1", "/run/utsns/p1", "/ignored"};
  }
  GeneratedPauseSpec Generate() {
    Result<GeneratedPauseSpec> out = GeneratePauseSpec(pod, prepared, host);
    INFO(out.status().ToString());
    REQUIRE(out.ok());
    return *out;
  }
};

TEST_CASE("the pod infra (cria-pause) spec") {
  PauseFixture f;
  (*f.pod.mutable_linux()->mutable_sysctls())["kernel.shm_rmid_forced"] = "1";
  f.pod.mutable_linux()->mutable_security_context()->mutable_seccomp()->set_profile_type(
      cri::SecurityProfile::RuntimeDefault);
  f.host.oom_score_adj_floor = 0;
  GeneratedPauseSpec out = f.Generate();
  const Spec& s = out.spec;
  CHECK(s.process.args == Strings{"/cria-pause"});
  CHECK(s.process.user.uid == 65535);
  CHECK(s.process.user.gid == 65535);
  CHECK(s.process.capabilities.bounding.empty());
  CHECK(s.process.no_new_privileges);
  CHECK(s.root.readonly);
  CHECK(s.root.path == "/run/cria/pause-rootfs");
  CHECK(s.hostname == "web-0");
  Strings mounts;
  for (const Mount& m : s.mounts) mounts.push_back(m.destination);
  CHECK(mounts == Strings{"/proc", "/dev", "/dev/pts"});
  REQUIRE(s.linux.namespaces.size() == 6);
  CHECK(s.linux.namespaces[1].path == "/run/netns/p1");
  CHECK(s.linux.namespaces[4].type == "pid");
  CHECK(s.linux.namespaces[4].path.empty());
  CHECK(s.linux.sysctl.at("kernel.shm_rmid_forced") == "1");
  CHECK_FALSE(s.linux.seccomp_json.empty());
  CHECK(s.linux.cgroups_path == "/kubepods/pod-uid-1/cria-p1");
  CHECK(s.annotations.at(kContainerType) == "sandbox");
  CHECK(s.linux.masked_paths == DefaultMaskedPaths());
  CHECK(out.oom_score_adj.requested == -998);
  CHECK(*s.process.oom_score_adj == 0);
  REQUIRE(SpecToJson(s).ok());
}

TEST_CASE("the pause spec follows the pod's security context") {
  PauseFixture f;
  auto* sc = f.pod.mutable_linux()->mutable_security_context();
  SECTION("run_as_user and run_as_group") {
    sc->mutable_run_as_user()->set_value(1234);
    sc->mutable_run_as_group()->set_value(99);
    const Spec s = f.Generate().spec;
    CHECK(s.process.user.uid == 1234);
    CHECK(s.process.user.gid == 99);
  }
  SECTION("run_as_group alone is refused") {
    sc->mutable_run_as_group()->set_value(99);
    CHECK(GeneratePauseSpec(f.pod, f.prepared, f.host).status().code() ==
          StatusCode::kInvalidArgument);
  }
  SECTION("a privileged pod's infra hides nothing and has no seccomp") {
    sc->set_privileged(true);
    sc->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
    const Spec s = f.Generate().spec;
    CHECK(s.linux.masked_paths.empty());
    CHECK(s.linux.seccomp_json.empty());
  }
  SECTION("host network: no hostname, no network or UTS namespace") {
    sc->mutable_namespace_options()->set_network(cri::NODE);
    const Spec s = f.Generate().spec;
    CHECK(s.hostname.empty());
    CHECK(NamespaceTypes(s) == Strings{"mount", "ipc", "pid", "cgroup"});
  }
  SECTION("systemd cgroups") {
    f.prepared.cgroup_driver = cgroups::Driver::kSystemd;
    f.prepared.cgroup_parent = "kubepods-pod1.slice";
    CHECK(f.Generate().spec.linux.cgroups_path == "kubepods-pod1.slice:cria:p1");
  }
}

TEST_CASE("host facts: the parsers") {
  const std::string status = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\n";
  CHECK(*StatusCapabilityMask(status, "CapEff") == 0x000001fffeffffffULL);
  CHECK(StatusCapabilityMask(status, "CapBnd").status().code() == StatusCode::kInvalidArgument);
  CHECK(StatusCapabilityMask("CapEff:\txyz\n", "CapEff").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(*OomScoreAdjFloor("-999\n", false) == -999);
  CHECK(*OomScoreAdjFloor("0\n", true) == -1000);
  CHECK(OomScoreAdjFloor("abc", false).status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseKernelRelease("6.18.44-fc-v657")->first == 6);
  CHECK(ParseKernelRelease("6.18.44-fc-v657")->second == 18);
  CHECK(ParseKernelRelease("x").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("host facts of this machine") {
  Result<HostFacts> host = DetectHostFacts();
  REQUIRE(host.ok());
  CHECK(host->kernel_major > 0);
  CHECK_FALSE(host->all_capabilities.empty());
  std::ifstream own("/proc/self/oom_score_adj");
  int value = 0;
  own >> value;
  CHECK(host->oom_score_adj_floor <= value);
}

}  // namespace
}  // namespace cria::runtime::spec

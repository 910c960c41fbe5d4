// The generated config.json run for real with runc and crun (needs root): a bundle with a
// busybox rootfs, new namespaces, RuntimeDefault seccomp.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "libs/process/process.h"
#include "services/runtime/spec/container_spec.h"
#include "services/runtime/spec/host_detect.h"
#include "services/runtime/spec/pause_spec.h"
#include "services/runtime/spec/spec_json.h"
#include "services/runtime/spec/testing.h"
#include "tests/support/cgroup_view.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kBusybox = "/bin/busybox";

bool CanRun(const std::string& runtime) {
  if (::geteuid() != 0) {
    WARN("not root: skipping the " << runtime << " test");
    return false;
  }
  if (!process::FindExecutable(runtime).ok() || !fs::exists(kBusybox)) {
    WARN(runtime << " or " << kBusybox << " missing: skipping");
    return false;
  }
  return true;
}

// A rootfs with a static busybox and its applets, an /etc/passwd and /etc/group.
void MakeRootfs(const std::string& rootfs) {
  fs::create_directories(rootfs + "/bin");
  fs::copy_file(kBusybox, rootfs + "/bin/busybox");
  for (const char* applet : {"sh", "echo", "id", "cat", "touch", "unshare", "true", "pwd", "grep",
                             "ls", "hostname", "sleep"}) {
    fs::create_symlink("busybox", rootfs + "/bin/" + applet);
  }
  WriteFile(rootfs + "/etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
  WriteFile(rootfs + "/etc/group", "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
  fs::create_directories(rootfs + "/tmp");
}

struct Bundle {
  TempDir dir;
  std::string rootfs = dir.path() + "/rootfs";
  std::string state = dir.path() + "/state";
  Bundle() {
    MakeRootfs(rootfs);
    fs::create_directories(state);
  }
};

std::vector<std::string> GlobalArgs(const std::string& runtime, const std::string& state) {
  return {runtime, "--root", state};
}

// Runs the bundle with `runtime` to completion and deletes the container afterwards.
process::Outcome Run(const std::string& runtime, const Bundle& bundle, const std::string& id) {
  std::vector<std::string> run = GlobalArgs(runtime, bundle.state);
  std::vector<std::string> remove = run;
  run.insert(run.end(), {"run", "--bundle", bundle.dir.path(), id});
  remove.insert(remove.end(), {"delete", "-f", id});
  process::Command command;
  command.argv = run;
  command.timeout = std::chrono::seconds(30);
  auto outcome = process::Run(command);
  // Whatever happened, leave no container behind.
  command.argv = remove;
  command.timeout = std::chrono::seconds(10);
  (void)process::Run(command);
  REQUIRE(outcome.ok());
  return *outcome;
}

HostFacts RealHost() {
  Result<HostFacts> host = DetectHostFacts();
  REQUIRE(host.ok());
  return *host;
}

// A pod with no pinned namespaces: the container gets new ones.
cri::PodSandboxConfig Pod() {
  cri::PodSandboxConfig pod = testing::BasicPod();
  pod.set_hostname("spec-test");
  return pod;
}

cri::ContainerConfig Container(std::vector<std::string> command) {
  cri::ContainerConfig c = testing::BasicContainer();
  c.clear_command();
  for (const std::string& arg : command) c.add_command(arg);
  c.mutable_linux()->mutable_security_context()->mutable_seccomp()->set_profile_type(
      cri::SecurityProfile::RuntimeDefault);
  return c;
}

PreparedContainer Prepared(const Bundle& bundle, const std::string& id) {
  PreparedContainer p = testing::BasicPrepared(bundle.rootfs);
  p.container_id = id;
  p.namespaces = {};
  p.cgroup_parent = "/";
  return p;
}

void WriteConfig(const Bundle& bundle, const Spec& spec) {
  Result<std::string> json = SpecToJson(spec);
  REQUIRE(json.ok());
  WriteFile(bundle.dir.path() + "/config.json", *json);
}

std::string Id(const std::string& runtime, const char* what) {
  return "cria-spec-" + runtime + "-" + what + "-" + std::to_string(::getpid());
}

void RunsAContainer(const std::string& runtime) {
  Bundle bundle;
  cri::ContainerConfig config = Container({"/bin/sh", "-c", "echo ok; hostname"});
  const std::string id = Id(runtime, "echo");
  auto spec = GenerateContainerSpec(config, Pod(), {}, Prepared(bundle, id), RealHost(),
                                    SystemHostLookup());
  REQUIRE(spec.ok());
  REQUIRE_FALSE(spec->spec.linux.seccomp_json.empty());
  WriteConfig(bundle, spec->spec);
  process::Outcome out = Run(runtime, bundle, id);
  INFO(out.Describe() << "\nstdout: " << out.out << "\nstderr: " << out.err);
  CHECK(out.Succeeded());
  CHECK(out.out == "ok\nspec-test\n");
}

// A seccomp filter without no_new_privs needs CAP_SYS_ADMIN when it is loaded: the OCI
// runtime must load it before it drops to the container's user.
void FiltersAnUnprivilegedUser(const std::string& runtime) {
  Bundle bundle;
  cri::ContainerConfig config =
      Container({"/bin/sh", "-c", "id -u; unshare -U true || echo denied"});
  config.mutable_linux()->mutable_security_context()->mutable_run_as_user()->set_value(1000);
  const std::string id = Id(runtime, "user");
  auto spec = GenerateContainerSpec(config, Pod(), {}, Prepared(bundle, id), RealHost(),
                                    SystemHostLookup());
  REQUIRE(spec.ok());
  REQUIRE_FALSE(spec->spec.process.no_new_privileges);
  WriteConfig(bundle, spec->spec);
  process::Outcome out = Run(runtime, bundle, id);
  INFO(out.Describe() << "\nstdout: " << out.out << "\nstderr: " << out.err);
  CHECK(out.Succeeded());
  CHECK(out.out == "1000\ndenied\n");
}

void SeccompDeniesUnshare(const std::string& runtime) {
  for (bool confined : {true, false}) {
    Bundle bundle;
    cri::ContainerConfig config =
        Container({"/bin/sh", "-c", "unshare -U true && echo allowed || echo denied"});
    if (!confined) {
      config.mutable_linux()->mutable_security_context()->mutable_seccomp()->set_profile_type(
          cri::SecurityProfile::Unconfined);
    }
    const std::string id = Id(runtime, confined ? "confined" : "unconfined");
    auto spec = GenerateContainerSpec(config, Pod(), {}, Prepared(bundle, id), RealHost(),
                                      SystemHostLookup());
    REQUIRE(spec.ok());
    WriteConfig(bundle, spec->spec);
    process::Outcome out = Run(runtime, bundle, id);
    INFO(runtime << (confined ? " RuntimeDefault" : " Unconfined") << ": " << out.Describe()
                 << "\nstdout: " << out.out << "\nstderr: " << out.err);
    CHECK(out.Succeeded());
    if (confined) {
      CHECK(out.out == "denied\n");
      CHECK(out.err.find("Operation not permitted") != std::string::npos);
    } else {
      // Without the filter only the kernel decides: a user namespace needs no capability,
      // unless the host forbids them.
      std::ifstream max("/proc/sys/user/max_user_namespaces");
      int max_user_namespaces = 0;
      max >> max_user_namespaces;
      if (max_user_namespaces > 0) CHECK(out.out == "allowed\n");
    }
  }
}

void AppliesSecurityContext(const std::string& runtime) {
  Bundle bundle;
  TempDir data;
  WriteFile(data.path() + "/file", "from host\n");
  fs::permissions(data.path(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  cri::ContainerConfig config =
      Container({"/bin/sh", "-c",
                 "id -u; id -g; id -G; echo $FOO; pwd; cat /data/file; "
                 "touch /data/x 2>/dev/null || echo data-ro; touch /x 2>/dev/null || echo root-ro; "
                 "grep CapEff /proc/self/status; ls -l /proc/keys | grep -c ' 1, *3 '; "
                 "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || "
                 "cat /sys/fs/cgroup/memory.max"});
  auto* sc = config.mutable_linux()->mutable_security_context();
  sc->set_run_as_username("app");
  sc->add_supplemental_groups(3000);
  sc->set_readonly_rootfs(true);
  sc->set_no_new_privs(true);
  sc->mutable_capabilities()->add_drop_capabilities("ALL");
  sc->mutable_capabilities()->add_add_capabilities("KILL");
  config.set_working_dir("/tmp");
  auto* env = config.add_envs();
  env->set_key("FOO");
  env->set_value("bar");
  auto* mount = config.add_mounts();
  mount->set_container_path("/data");
  mount->set_host_path(data.path());
  mount->set_readonly(true);
  config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(64 << 20);
  config.mutable_linux()->mutable_resources()->set_cpu_shares(512);
  config.mutable_linux()->mutable_resources()->set_oom_score_adj(-500);

  const std::string id = Id(runtime, "context");
  HostFacts host = RealHost();
  auto spec =
      GenerateContainerSpec(config, Pod(), {}, Prepared(bundle, id), host, SystemHostLookup());
  REQUIRE(spec.ok());
  // This host may not let us lower oom_score_adj: the spec holds what can be set.
  CHECK(spec->oom_score_adj.applied == std::max(-500, host.oom_score_adj_floor));
  WriteConfig(bundle, spec->spec);
  process::Outcome out = Run(runtime, bundle, id);
  INFO(out.Describe() << "\nstdout: " << out.out << "\nstderr: " << out.err);
  CHECK(out.Succeeded());
  // uid, gid, groups (primary, /etc/group membership, CRI), env, cwd, the read-only bind
  // mount and rootfs, capabilities (only CAP_KILL, bit 5, which a non-root user loses from
  // its effective set), the masked /proc/keys (a bind of /dev/null, char 1,3), the memory
  // limit.
  CHECK(out.out ==
        "1000\n1000\n1000 2000 3000\nbar\n/tmp\nfrom host\ndata-ro\nroot-ro\n"
        "CapEff:\t0000000000000000\n1\n67108864\n");
}

// Privileged: every capability the runtime holds (not more: this machine lacks
// CAP_SYS_RESOURCE), the host's devices, no seccomp.
void RunsAPrivilegedContainer(const std::string& runtime) {
  Bundle bundle;
  cri::ContainerConfig config = Container(
      {"/bin/sh", "-c", "grep CapEff /proc/self/status; test -c /dev/null && echo devices"});
  config.mutable_linux()->mutable_security_context()->set_privileged(true);
  cri::PodSandboxConfig pod = Pod();
  pod.mutable_linux()->mutable_security_context()->set_privileged(true);
  const std::string id = Id(runtime, "privileged");
  HostFacts host = RealHost();
  auto spec =
      GenerateContainerSpec(config, pod, {}, Prepared(bundle, id), host, SystemHostLookup());
  REQUIRE(spec.ok());
  CHECK(spec->spec.linux.seccomp_json.empty());
  WriteConfig(bundle, spec->spec);
  process::Outcome out = Run(runtime, bundle, id);
  INFO(out.Describe() << "\nstdout: " << out.out << "\nstderr: " << out.err);
  CHECK(out.Succeeded());
  std::ifstream status("/proc/self/status");
  std::string line;
  std::string bounding;
  while (std::getline(status, line)) {
    if (line.rfind("CapBnd:", 0) == 0) bounding = line.substr(7);
  }
  CHECK(out.out == "CapEff:" + bounding + "\ndevices\n");
}

void RunsThePauseSpec(const std::string& runtime) {
  Bundle bundle;
  PreparedPause prepared;
  prepared.pod_id = Id(runtime, "pause");
  prepared.rootfs = bundle.rootfs;
  prepared.args = {"/bin/sh", "-c", "id -u; echo $$; hostname"};
  prepared.cgroup_parent = "/";
  auto spec = GeneratePauseSpec(Pod(), prepared, RealHost());
  REQUIRE(spec.ok());
  WriteConfig(bundle, spec->spec);
  process::Outcome out = Run(runtime, bundle, prepared.pod_id);
  INFO(out.Describe() << "\nstdout: " << out.out << "\nstderr: " << out.err);
  CHECK(out.Succeeded());
  CHECK(out.out == "65535\n1\nspec-test\n");
}

TEST_CASE("runc runs a generated spec", "[root]") {
  if (!CanRun("runc")) return;
  SECTION("echo") { RunsAContainer("runc"); }
  SECTION("seccomp") { SeccompDeniesUnshare("runc"); }
  SECTION("seccomp for a non-root user") { FiltersAnUnprivilegedUser("runc"); }
  SECTION("security context") { AppliesSecurityContext("runc"); }
  SECTION("privileged") { RunsAPrivilegedContainer("runc"); }
  SECTION("pause") { RunsThePauseSpec("runc"); }
}

TEST_CASE("crun runs a generated spec", "[root]") {
  if (!CanRun("crun")) return;
  // crun refuses this host's hybrid cgroup layout; the spec is what is checked here.
  auto hidden = cria::testing::HideCgroup2ForCrun();
  INFO((hidden.ok() ? "" : cria::MessageOf(hidden.status())));
  REQUIRE(hidden.ok());
  SECTION("echo") { RunsAContainer("crun"); }
  SECTION("seccomp") { SeccompDeniesUnshare("crun"); }
  SECTION("seccomp for a non-root user") { FiltersAnUnprivilegedUser("crun"); }
  SECTION("security context") { AppliesSecurityContext("crun"); }
  SECTION("privileged") { RunsAPrivilegedContainer("crun"); }
  SECTION("pause") { RunsThePauseSpec("crun"); }
}

}  // namespace
}  // namespace cria::runtime::spec

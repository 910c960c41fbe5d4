// Security contexts, resources, mounts and logs of containers through the CRI, with every
// real part (registry, image, storage, network, runtime, conmon, runc): users and groups,
// a read-only rootfs, capabilities and privileged containers, seccomp, the OOM killer,
// bind mounts and their propagation, UpdateContainerResources and ReopenContainerLog.
// After every test nothing may be left: mounts, conmon or container processes, cgroups
// under the pods' cgroup parent (CriCluster::CheckClean).
//
// Host facts this test was written on (and checks rather than assumes): cgroup v1 with a
// v2 hierarchy holding hugetlb at /sys/fs/cgroup/unified, no CAP_SYS_RESOURCE in the
// bounding set, a private "/", runc 1.1, crun 1.8 (which refuses that cgroup layout).
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "cri/runtime/v1/cri_api.h"
#include "libs/testing/temp_dir.h"
#include "tests/support/cri_cluster.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;
namespace it = image::testing;
using namespace std::chrono_literals;

constexpr int kCapSysResource = 24;
constexpr uint64_t kMiB = 1 << 20;

// Its own subnet and bridge prefix, so it may run beside container_test.
CriClusterOptions SecurityOptions() {
  CriClusterOptions options;
  options.subnet_prefix = "10.228";
  options.bridge_prefix = "crs";
  // "app" is also a member of group staff (50): a supplementary group from /etc/group.
  it::LayerSpec groups;
  groups.created_by = "groups with members";
  groups.Dir("etc").File("etc/group",
                         "root:x:0:\n"
                         "staff:x:50:app\n"
                         "app:x:1000:\n"
                         "nobody:x:65534:\n");
  options.extra_layers.push_back(std::move(groups));
  return options;
}

struct Cluster : CriCluster {
  explicit Cluster(CriClusterOptions options = SecurityOptions())
      : CriCluster(std::move(options)) {}
  ~Cluster() {
    if (std::uncaught_exceptions() == 0) CheckClean();
  }

  // ExecSync of a shell script, which must reach the container.
  cri::ExecSyncResponse Sh(const std::string& id, const std::string& script) {
    grpc::Status s;
    cri::ExecSyncResponse out = Exec(id, {"sh", "-c", script}, 30, &s);
    INFO("exec " << script << ": " << s.error_message());
    REQUIRE(s.ok());
    return out;
  }
  // A container that only sleeps, killed (StopContainer with no grace) at the end.
  std::string Sleeper(const std::string& pod, const std::string& name,
                      const ContainerEdit& edit = {}) {
    return Run(pod, name, {"sleep", "100000"}, edit);
  }
};

std::set<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

// The hex mask of a "Cap...:" line of /proc/<pid>/status text.
uint64_t CapMask(const std::string& status, const std::string& field) {
  size_t at = status.find(field + ":");
  REQUIRE(at != std::string::npos);
  return std::stoull(status.substr(at + field.size() + 1), nullptr, 16);
}

uint64_t Bits(std::initializer_list<int> caps) {
  uint64_t mask = 0;
  for (int cap : caps) mask |= uint64_t{1} << cap;
  return mask;
}

// The default set of DESIGN.md section 10: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID
// SETUID SETPCAP NET_BIND_SERVICE.
const uint64_t kDefaultCaps = Bits({0, 1, 3, 4, 5, 6, 7, 8, 10});

// Polls a file until it contains `needle` (at most `limit`); its content.
std::string WaitForText(const std::string& path, const std::string& needle,
                        std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  std::string text = FileText(path);
  while (text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(50ms);
    text = FileText(path);
  }
  return text;
}

void SetUser(cri::ContainerConfig& c, int64_t uid) {
  c.mutable_linux()->mutable_security_context()->mutable_run_as_user()->set_value(uid);
}

TEST_CASE("users: run_as_user, run_as_username from the image, groups") {
  Cluster c;
  const std::string pod = c.RunPod("users");

  // uid 1000 is "app" in the image's /etc/passwd: its gid (1000) and groups come from there.
  std::string uid = c.Run(pod, "uid", {"sh", "-c", "echo uid=$(id -u) gid=$(id -g); sleep 100000"},
                          [](cri::ContainerConfig& cfg) { SetUser(cfg, 1000); });
  std::string log = WaitForText(c.LogDir("users") + "/uid/0.log", "uid=");
  INFO(log);
  CHECK(log.find(" stdout F uid=1000 gid=1000\n") != std::string::npos);
  CHECK(c.Sh(uid, "id -u").stdout() == "1000\n");  // exec runs as the container's user
  CHECK(c.Sh(uid, "id -g").stdout() == "1000\n");
  CHECK(Words(c.Sh(uid, "id -G").stdout()) == std::set<std::string>{"1000", "50"});
  CHECK(c.Sh(uid, "touch /root/x").exit_code() != 0);  // /root is 0700 root

  // run_as_username: the name is looked up in the image's /etc/passwd.
  std::string name = c.Sleeper(pod, "name", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_run_as_username("app");
  });
  CHECK(c.Sh(name, "id -u").stdout() == "1000\n");
  CHECK(c.Sh(name, "id -g").stdout() == "1000\n");
  CHECK(c.Sh(name, "id -un").stdout() == "app\n");

  // run_as_group and supplemental groups; Merge keeps the /etc/group memberships.
  std::string merged = c.Sleeper(pod, "merged", [](cri::ContainerConfig& cfg) {
    SetUser(cfg, 1000);
    auto* sc = cfg.mutable_linux()->mutable_security_context();
    sc->mutable_run_as_group()->set_value(2000);
    sc->add_supplemental_groups(1234);
  });
  CHECK(c.Sh(merged, "id -g").stdout() == "2000\n");
  CHECK(Words(c.Sh(merged, "id -G").stdout()) == std::set<std::string>{"2000", "50", "1234"});
  // ContainerStatus.user: the identity the process started with, primary gid first, as
  // the kubelet reports it in the pod's status.
  auto user_of = [&](const std::string& id) {
    cri::LinuxContainerUser user = c.Status(id).user().linux();
    std::vector<int64_t> groups(user.supplemental_groups().begin(),
                                user.supplemental_groups().end());
    return std::tuple(user.uid(), user.gid(), groups);
  };
  CHECK(user_of(merged) ==
        std::tuple(int64_t{1000}, int64_t{2000}, std::vector<int64_t>{2000, 50, 1234}));
  CHECK(user_of(uid) == std::tuple(int64_t{1000}, int64_t{1000}, std::vector<int64_t>{1000, 50}));
  // Strict: only what the request names.
  std::string strict = c.Sleeper(pod, "strict", [](cri::ContainerConfig& cfg) {
    SetUser(cfg, 1000);
    auto* sc = cfg.mutable_linux()->mutable_security_context();
    sc->add_supplemental_groups(1234);
    sc->set_supplemental_groups_policy(cri::SupplementalGroupsPolicy::Strict);
  });
  CHECK(Words(c.Sh(strict, "id -G").stdout()) == std::set<std::string>{"1000", "1234"});
  CHECK(user_of(strict) ==
        std::tuple(int64_t{1000}, int64_t{1000}, std::vector<int64_t>{1000, 1234}));

  // A uid the image does not list: gid 0, as the OCI runtimes do.
  std::string unlisted =
      c.Sleeper(pod, "unlisted", [](cri::ContainerConfig& cfg) { SetUser(cfg, 4242); });
  CHECK(c.Sh(unlisted, "id -u; id -g").stdout() == "4242\n0\n");

  // Names the image does not have are the request's mistake.
  std::string id;
  grpc::Status s = c.Create(pod, "nosuch", {"true"}, &id, [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_run_as_username("nosuch");
  });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("\"nosuch\"") != std::string::npos);
  s = c.Create(pod, "both", {"true"}, &id, [](cri::ContainerConfig& cfg) {
    SetUser(cfg, 1000);
    cfg.mutable_linux()->mutable_security_context()->set_run_as_username("app");
  });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(c.List().size() == 5);
}

TEST_CASE("readonly_rootfs: the rootfs and /tmp are read-only, /dev/shm and volumes are not") {
  Cluster c;
  const std::string pod = c.RunPod("ro");
  const std::string volume = c.stack().root() + "/ro-volume";
  std::string ro = c.Sleeper(pod, "ro", [&](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_readonly_rootfs(true);
    auto* m = cfg.add_mounts();
    m->set_container_path("/data");
    m->set_host_path(volume);
  });
  cri::ExecSyncResponse out = c.Sh(ro, "touch /x");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Read-only file system") != std::string::npos);
  // As containerd (and CRI-O unless its read_only option is set): no tmpfs is put on /tmp;
  // a pod that needs a writable /tmp mounts an emptyDir there.
  CHECK(c.Sh(ro, "touch /tmp/x").exit_code() != 0);
  CHECK(c.Sh(ro, "echo 1.2.3.4 x >> /etc/hosts").exit_code() != 0);  // pod files too
  CHECK(c.Sh(ro, "touch /dev/shm/x").exit_code() == 0);
  CHECK(c.Sh(ro, "echo hi > /data/f").exit_code() == 0);
  CHECK(FileText(volume + "/f") == "hi\n");

  std::string rw = c.Sleeper(pod, "rw");
  CHECK(c.Sh(rw, "touch /x && touch /tmp/x").exit_code() == 0);
}

TEST_CASE("capabilities: the default set, a dropped one, an added one, privileged") {
  Cluster c;
  const std::uint64_t host_bounding = CapMask(FileText("/proc/self/status"), "CapBnd");
  const std::string pod = c.RunPod("caps");

  std::string plain = c.Sleeper(pod, "plain");
  std::string status = c.Sh(plain, "cat /proc/self/status").stdout();
  CHECK(CapMask(status, "CapEff") == kDefaultCaps);
  CHECK(CapMask(status, "CapBnd") == kDefaultCaps);
  CHECK(c.Sh(plain, "touch /tmp/f && chown 1 /tmp/f").exit_code() == 0);
  CHECK(c.Sh(plain, "mknod /tmp/null c 1 3").exit_code() != 0);    // no CAP_MKNOD
  CHECK(c.Sh(plain, "ip link set lo mtu 1400").exit_code() != 0);  // no CAP_NET_ADMIN

  std::string nochown = c.Sleeper(pod, "nochown", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->mutable_capabilities()->add_drop_capabilities(
        "CHOWN");
  });
  CHECK(CapMask(c.Sh(nochown, "cat /proc/self/status").stdout(), "CapEff") ==
        (kDefaultCaps & ~Bits({0})));
  cri::ExecSyncResponse out = c.Sh(nochown, "touch /tmp/f && chown 1 /tmp/f");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Operation not permitted") != std::string::npos);

  std::string netadmin = c.Sleeper(pod, "netadmin", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->mutable_capabilities()->add_add_capabilities(
        "NET_ADMIN");
  });
  out = c.Sh(netadmin, "ip link set lo mtu 1400 && ip link show lo");
  CHECK(out.exit_code() == 0);
  CHECK(out.stdout().find("mtu 1400") != std::string::npos);

  // A capability the runtime itself lacks cannot be handed out: a clear refusal rather
  // than a runc failure at start.
  std::string id;
  grpc::Status s = c.Create(pod, "sysresource", {"true"}, &id, [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->mutable_capabilities()->add_add_capabilities(
        "SYS_RESOURCE");
  });
  if ((host_bounding & Bits({kCapSysResource})) == 0) {
    CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(s.error_message().find("CAP_SYS_RESOURCE") != std::string::npos);
  } else {
    CHECK(s.ok());
    CHECK(c.Remove(id).ok());
  }

  // Privileged needs a pod that allows it.
  s = c.Create(pod, "denied", {"true"}, &id, [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  const std::string privileged_pod = c.RunPod("privileged", [](cri::PodSandboxConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  std::string priv = c.Sleeper(privileged_pod, "priv", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  status = c.Sh(priv, "cat /proc/self/status").stdout();
  // Everything the runtime holds and nothing more (here: no CAP_SYS_RESOURCE).
  CHECK(CapMask(status, "CapBnd") == host_bounding);
  CHECK(CapMask(status, "CapEff") == host_bounding);
  CHECK(c.Sh(priv, "mknod /tmp/null c 1 3 && ls -l /tmp/null").exit_code() == 0);
  CHECK(c.Sh(priv, "ip link set lo mtu 1400").exit_code() == 0);
  CHECK(c.Sh(priv, "touch /tmp/f && chown 1 /tmp/f").exit_code() == 0);
}

TEST_CASE("capabilities: runtime.default_capabilities replaces the default set") {
  CriClusterOptions options = SecurityOptions();
  // Any spelling; SYS_RESOURCE, which this machine's runtime lacks, is left out there
  // rather than failing every container.
  options.runtime_yaml = "  default_capabilities: [chown, CAP_KILL, NET_RAW, sys_resource]\n";
  Cluster c(std::move(options));
  const std::uint64_t host_bounding = CapMask(FileText("/proc/self/status"), "CapBnd");
  const std::uint64_t configured = Bits({0, 5, 13, kCapSysResource}) & host_bounding;
  const std::string pod = c.RunPod("caps");

  std::string plain = c.Sleeper(pod, "plain");
  std::string status = c.Sh(plain, "cat /proc/self/status").stdout();
  CHECK(CapMask(status, "CapEff") == configured);
  CHECK(CapMask(status, "CapBnd") == configured);
  CHECK(c.Sh(plain, "ping -c 1 -W 5 127.0.0.1").exit_code() == 0);  // CAP_NET_RAW
  CHECK(c.Sh(plain, "touch /tmp/f && chown 1 /tmp/f").exit_code() == 0);
  // CAP_DAC_OVERRIDE, in the built-in set, is not in this one: root cannot read its own
  // file of mode 000.
  cri::ExecSyncResponse secret = c.Sh(plain, "echo x > /tmp/s && chmod 000 /tmp/s && cat /tmp/s");
  CHECK(secret.exit_code() != 0);
  CHECK(secret.stderr().find("Permission denied") != std::string::npos);

  // The request's adds and drops apply on top of the configured set.
  std::string changed = c.Sleeper(pod, "changed", [](cri::ContainerConfig& cfg) {
    auto* caps = cfg.mutable_linux()->mutable_security_context()->mutable_capabilities();
    caps->add_add_capabilities("NET_ADMIN");
    caps->add_drop_capabilities("NET_RAW");
  });
  status = c.Sh(changed, "cat /proc/self/status").stdout();
  CHECK(CapMask(status, "CapEff") == ((configured & ~Bits({13})) | Bits({12})));
  CHECK(c.Sh(changed, "ping -c 1 -W 5 127.0.0.1").exit_code() != 0);
}

TEST_CASE("runtime.default_ulimits: the limits of every container's processes") {
  CriClusterOptions options = SecurityOptions();
  options.runtime_yaml = "  default_ulimits: [\"nofile=1000:2000\", \"core=0\"]\n";
  Cluster c(std::move(options));
  const std::string pod = c.RunPod("limits");
  const std::string id = c.Sleeper(pod, "limited");
  // "Max open files  1000  2000  files" -> "1000 2000".
  auto limit = [](const std::string& limits, const std::string& name) {
    std::istringstream lines(limits);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name, 0) != 0) continue;
      std::istringstream words(line.substr(name.size()));
      std::string soft, hard;
      words >> soft >> hard;
      return soft + " " + hard;
    }
    return std::string("none");
  };
  // The container's own process (PID 1 of its PID namespace).
  const std::string main_limits = c.Sh(id, "cat /proc/1/limits").stdout();
  CHECK(limit(main_limits, "Max open files") == "1000 2000");
  CHECK(limit(main_limits, "Max core file size") == "0 0");
  // A process exec'd in it gets the same limits from the container's process (its
  // config.json's), except that runc before 1.1.13 built with Go 1.19 or later (Debian 12's
  // 1.1.5) raises the exec'd process's soft nofile to the hard limit: Go's start-up raises
  // it in `runc init`, racing the limits `runc exec` sets (opencontainers/runc#4195).
  const std::string exec_limits = c.Sh(id, "cat /proc/self/limits").stdout();
  const std::string exec_nofile = limit(exec_limits, "Max open files");
  INFO(TestOciRuntime() << ": " << exec_nofile);
  const bool runc = TestOciRuntime().find("runc") != std::string::npos;
  CHECK((exec_nofile == "1000 2000" || (runc && exec_nofile == "2000 2000")));
  CHECK(limit(exec_limits, "Max core file size") == "0 0");
}

TEST_CASE("runtime.privileged_without_host_devices: privileged, without the host's devices") {
  CriClusterOptions options = SecurityOptions();
  options.runtime_yaml = "  privileged_without_host_devices: true\n";
  Cluster c(std::move(options));
  const std::string pod = c.RunPod("privileged", [](cri::PodSandboxConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  const std::string id = c.Sleeper(pod, "priv", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  // Still privileged: every capability the runtime holds.
  const std::uint64_t host_bounding = CapMask(FileText("/proc/self/status"), "CapBnd");
  CHECK(CapMask(c.Sh(id, "cat /proc/self/status").stdout(), "CapEff") == host_bounding);
  // A host device node (here /dev/loop-control, /dev/vda or /dev/sda, whichever the host
  // has) is not there, and the device cgroup keeps the default rules: a node made by hand
  // for the host's first loop device cannot be opened.
  std::string host_device;
  for (const char* d : {"/dev/loop-control", "/dev/vda", "/dev/sda"}) {
    if (fs::exists(d)) {
      host_device = d;
      break;
    }
  }
  REQUIRE_FALSE(host_device.empty());
  CHECK(c.Sh(id, "test -e " + host_device + " || echo absent").stdout() == "absent\n");
  CHECK(c.Sh(id, "test -e /dev/null && test -e /dev/zero && echo default").stdout() == "default\n");
  const std::string devices = FileText(c.CgroupDir("devices", id) + "/devices.list");
  INFO(devices);
  CHECK(devices.find("a *:* rwm") == std::string::npos);
  cri::ExecSyncResponse out = c.Sh(id, "mknod /tmp/loop0 b 7 0 && head -c 1 /tmp/loop0");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Operation not permitted") != std::string::npos);
}

TEST_CASE("seccomp: RuntimeDefault blocks unshare, Unconfined allows it") {
  Cluster c;
  const std::string pod = c.RunPod("seccomp");
  const auto profile = [](cri::SecurityProfile::ProfileType type) {
    return [type](cri::ContainerConfig& cfg) {
      cfg.mutable_linux()->mutable_security_context()->mutable_seccomp()->set_profile_type(type);
    };
  };
  // The container's own process, then exec (which gets the same filter).
  const std::vector<std::string> try_unshare = {"sh", "-c",
                                                "unshare -U true; echo unshare=$?; sleep 100000"};
  std::string confined =
      c.Run(pod, "confined", try_unshare, profile(cri::SecurityProfile::RuntimeDefault));
  std::string open = c.Run(pod, "open", try_unshare, profile(cri::SecurityProfile::Unconfined));
  std::string log = WaitForText(c.LogDir("seccomp") + "/confined/0.log", "unshare=");
  INFO(log);
  CHECK(log.find(" stdout F unshare=1\n") != std::string::npos);
  log = WaitForText(c.LogDir("seccomp") + "/open/0.log", "unshare=");
  INFO(log);
  CHECK(log.find(" stdout F unshare=0\n") != std::string::npos);

  cri::ExecSyncResponse out = c.Sh(confined, "unshare -U true");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Operation not permitted") != std::string::npos);
  CHECK(c.Sh(open, "unshare -U true").exit_code() == 0);
  CHECK(CapMask(c.Sh(confined, "cat /proc/self/status").stdout(), "Seccomp") == 2);
  CHECK(CapMask(c.Sh(open, "cat /proc/self/status").stdout(), "Seccomp") == 0);
  // A mount namespace needs CAP_SYS_ADMIN whatever the filter says...
  CHECK(c.Sh(open, "unshare -m true").exit_code() != 0);
  // ...and with it RuntimeDefault lets unshare through, as Docker's profile does.
  std::string admin = c.Sleeper(pod, "admin", [&](cri::ContainerConfig& cfg) {
    profile(cri::SecurityProfile::RuntimeDefault)(cfg);
    cfg.mutable_linux()->mutable_security_context()->mutable_capabilities()->add_add_capabilities(
        "SYS_ADMIN");
  });
  CHECK(c.Sh(admin, "unshare -m true").exit_code() == 0);

  // A Localhost profile that is not there is NotFound, with its path.
  std::string id;
  grpc::Status s = c.Create(pod, "missing", {"true"}, &id, [](cri::ContainerConfig& cfg) {
    auto* seccomp = cfg.mutable_linux()->mutable_security_context()->mutable_seccomp();
    seccomp->set_profile_type(cri::SecurityProfile::Localhost);
    seccomp->set_localhost_ref("/no/such/profile.json");
  });
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(s.error_message().find("/no/such/profile.json") != std::string::npos);
}

// A Localhost profile of the operator's, in the OCI format: what it denies fails with
// EPERM in the container and only there.
TEST_CASE("seccomp: a Localhost profile file is applied") {
  Cluster c;
  const std::string pod = c.RunPod("localhost");
  const std::string profile = c.stack().root() + "/no-mkdir.json";
  std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]})";
  const std::string confined = c.Sleeper(pod, "confined", [&](cri::ContainerConfig& cfg) {
    auto* seccomp = cfg.mutable_linux()->mutable_security_context()->mutable_seccomp();
    seccomp->set_profile_type(cri::SecurityProfile::Localhost);
    seccomp->set_localhost_ref(profile);
  });
  const std::string open = c.Sleeper(pod, "open");
  cri::ExecSyncResponse out = c.Sh(confined, "mkdir /tmp/d");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Operation not permitted") != std::string::npos);
  CHECK(c.Sh(confined, "touch /tmp/f && echo ok").stdout() == "ok\n");  // the rest is allowed
  CHECK(CapMask(c.Sh(confined, "cat /proc/self/status").stdout(), "Seccomp") == 2);
  CHECK(c.Sh(open, "mkdir /tmp/d && echo ok").stdout() == "ok\n");
}

TEST_CASE("seccomp: runtime.seccomp_profile is what RuntimeDefault means") {
  // Read at start: the file is there before cria-runtime is.
  cria::testing::TempDir dir("cria-seccomp-");
  const std::string profile = dir.path() + "/default.json";
  std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]})";
  CriClusterOptions options = SecurityOptions();
  options.runtime_yaml = "  seccomp_profile: \"" + profile + "\"\n";
  Cluster c(std::move(options));
  const std::string pod = c.RunPod("default");
  const auto with = [](cri::SecurityProfile::ProfileType type) {
    return [type](cri::ContainerConfig& cfg) {
      cfg.mutable_linux()->mutable_security_context()->mutable_seccomp()->set_profile_type(type);
    };
  };
  const std::string confined =
      c.Sleeper(pod, "confined", with(cri::SecurityProfile::RuntimeDefault));
  const std::string open = c.Sleeper(pod, "open", with(cri::SecurityProfile::Unconfined));
  cri::ExecSyncResponse out = c.Sh(confined, "mkdir /tmp/d");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Operation not permitted") != std::string::npos);
  CHECK(CapMask(c.Sh(confined, "cat /proc/self/status").stdout(), "Seccomp") == 2);
  // The built-in profile, which refuses unshare without CAP_SYS_ADMIN, is not in force.
  CHECK(c.Sh(confined, "unshare -U true").exit_code() == 0);
  CHECK(c.Sh(open, "mkdir /tmp/d && echo ok").stdout() == "ok\n");
}

// CPU limits reach the container's cgroup as the kubelet asks for them, and a CRI device
// appears at its container path, usable.
TEST_CASE("resources and devices: CPU quota, period, shares, cpuset; a device node") {
  Cluster c;
  const std::string pod = c.RunPod("cpu");
  const std::string id = c.Sleeper(pod, "ctr", [](cri::ContainerConfig& cfg) {
    auto* r = cfg.mutable_linux()->mutable_resources();
    r->set_cpu_period(50000);
    r->set_cpu_quota(25000);
    r->set_cpu_shares(256);
    r->set_cpuset_cpus("0");
    cri::Device* device = cfg.add_devices();
    device->set_host_path("/dev/zero");
    device->set_container_path("/dev/cria-zero");
    device->set_permissions("rw");
  });
  CHECK(Trim(FileText(c.CgroupDir("cpu", id) + "/cpu.cfs_period_us")) == "50000");
  CHECK(Trim(FileText(c.CgroupDir("cpu", id) + "/cpu.cfs_quota_us")) == "25000");
  CHECK(Trim(FileText(c.CgroupDir("cpu", id) + "/cpu.shares")) == "256");
  CHECK(Trim(FileText(c.CgroupDir("cpuset", id) + "/cpuset.cpus")) == "0");
  CHECK(Trim(c.Sh(id, "grep Cpus_allowed_list /proc/self/status").stdout()) ==
        "Cpus_allowed_list:\t0");
  // /dev/zero's numbers (1, 5) at the new path, readable through the device cgroup.
  CHECK(Trim(c.Sh(id, "stat -c %t,%T /dev/cria-zero").stdout()) == "1,5");
  CHECK(c.Sh(id, "head -c 3 /dev/cria-zero | wc -c").stdout().find('3') != std::string::npos);
  const std::string plain = c.Sleeper(pod, "plain");
  CHECK(c.Sh(plain, "test -e /dev/cria-zero").exit_code() != 0);
}

// CDI: a device asked for by name (as device plugins and DRA drivers do), from a spec file
// in the configured directory: a device node with numbers no driver has (opening it says
// ENXIO once the device cgroup lets it through), env, a mount, a group, and a hook that
// runs with the container's state on its stdin; the same device through a device plugin's
// annotation; a device no spec file has is FailedPrecondition naming it.
TEST_CASE("CDI devices: a spec file's edits reach the container") {
  cria::testing::TempDir dir("cria-cdi-");
  const std::string specs = dir.path() + "/specs", host = dir.path() + "/host";
  fs::create_directories(specs);
  fs::create_directories(host + "/lib");
  std::ofstream(host + "/lib/hello") << "from the host\n";
  REQUIRE(::mknod((host + "/dev240").c_str(), S_IFCHR | 0666, makedev(240, 0)) == 0);
  std::ofstream(specs + "/test.json") << R"({
    "cdiVersion": "0.6.0", "kind": "test.example/dev",
    "containerEdits": {
      "env": ["CDI_COMMON=yes"],
      "hooks": [{"hookName": "createRuntime", "path": "/bin/sh",
                 "args": ["sh", "-c", "cat > )" +
                                             host + R"(/hook-state"],
                 "env": ["PATH=/usr/bin:/bin"]}]},
    "devices": [{"name": "dev0", "containerEdits": {
      "env": ["CDI_DEVICE=dev0"],
      "deviceNodes": [{"path": "/dev/cdi-dev0", "hostPath": ")" +
                                             host + R"(/dev240", "permissions": "rw"}],
      "mounts": [{"hostPath": ")" + host +
                                             R"(/lib", "containerPath": "/opt/cdi",
                  "options": ["ro", "bind"]}],
      "additionalGids": [4242]}}]})";
  CriClusterOptions options = SecurityOptions();
  options.runtime_yaml = "  cdi_spec_dirs: [\"" + specs + "\"]\n";
  Cluster c(std::move(options));
  const std::string pod = c.RunPod("cdi");
  const std::string id = c.Sleeper(pod, "gpu", [](cri::ContainerConfig& cfg) {
    cfg.add_cdi_devices()->set_name("test.example/dev=dev0");
  });
  CHECK(Trim(c.Sh(id, "echo $CDI_DEVICE $CDI_COMMON").stdout()) == "dev0 yes");
  CHECK(Trim(c.Sh(id, "stat -c %F,%t,%T /dev/cdi-dev0").stdout()) == "character special file,f0,0");
  CHECK(c.Sh(id, "cat /dev/cdi-dev0 2>&1").stdout().find("No such device or address") !=
        std::string::npos);
  const std::string devices = FileText(c.CgroupDir("devices", id) + "/devices.list");
  INFO(devices);
  CHECK(devices.find("c 240:0 rw\n") != std::string::npos);
  CHECK(c.Sh(id, "cat /opt/cdi/hello").stdout() == "from the host\n");
  CHECK(Words(c.Sh(id, "id -G").stdout()).count("4242") == 1);
  CHECK(FileText(host + "/hook-state").find(id) != std::string::npos);

  const std::string annotated = c.Sleeper(pod, "annotated", [](cri::ContainerConfig& cfg) {
    (*cfg.mutable_annotations())["cdi.k8s.io/test-plugin_dev0"] = "test.example/dev=dev0";
  });
  CHECK(Trim(c.Sh(annotated, "echo $CDI_DEVICE; test -c /dev/cdi-dev0 && echo node").stdout()) ==
        "dev0\nnode");
  const std::string plain = c.Sleeper(pod, "plain");
  CHECK(Trim(c.Sh(plain, "echo x$CDI_DEVICE; test -e /dev/cdi-dev0 || echo none").stdout()) ==
        "x\nnone");

  std::string missing;
  grpc::Status s = c.Create(pod, "missing", {"true"}, &missing, [](cri::ContainerConfig& cfg) {
    cfg.add_cdi_devices()->set_name("test.example/dev=nope");
  });
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("test.example/dev=nope") != std::string::npos);
  s = c.Create(pod, "missing", {"true"}, &missing,
               [](cri::ContainerConfig& cfg) { cfg.add_cdi_devices()->set_name("not-qualified"); });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  REQUIRE(c.Create(pod, "missing", {"true"}, &missing).ok());  // the name was left free
  REQUIRE(c.Remove(missing).ok());
  for (const std::string& ctr : {id, annotated, plain}) CHECK(c.Remove(ctr).ok());
}

// A profile or label asked for on a host without the module is refused with
// FailedPrecondition and nothing is made (this machine has neither); on a host with it,
// it is passed through to the OCI spec (the container is not started: the test profile
// is not loaded).
TEST_CASE("AppArmor and SELinux: passed through where the host has them, refused if not") {
  const bool apparmor = Trim(FileText("/sys/module/apparmor/parameters/enabled")) == "Y";
  const bool selinux = fs::exists("/sys/fs/selinux/enforce");
  Cluster c;
  const std::string pod = c.RunPod("lsm");
  struct Case {
    const char* name;
    bool host_has;
    const char* module;
    const char* in_spec;
    Cluster::ContainerEdit edit;
  };
  for (const Case& k : std::vector<Case>{
           {"aa", apparmor, "AppArmor", R"("apparmorProfile":"cria-test-profile")",
            [](cri::ContainerConfig& cfg) {
              auto* aa = cfg.mutable_linux()->mutable_security_context()->mutable_apparmor();
              aa->set_profile_type(cri::SecurityProfile::Localhost);
              aa->set_localhost_ref("cria-test-profile");
            }},
           {"se", selinux, "SELinux", "s0:c1,c2",
            [](cri::ContainerConfig& cfg) {
              cfg.mutable_linux()->mutable_security_context()->mutable_selinux_options()->set_level(
                  "s0:c1,c2");
            }},
       }) {
    INFO(k.module << (k.host_has ? " on this host" : " not on this host"));
    std::string id;
    grpc::Status s = c.Create(pod, k.name, {"true"}, &id, k.edit);
    if (k.host_has) {
      REQUIRE(s.ok());
      std::string info;
      c.Status(id, &info);
      CHECK(info.find(k.in_spec) != std::string::npos);
      REQUIRE(c.Remove(id).ok());
    } else {
      CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
      CHECK(s.error_message().find(k.module) != std::string::npos);
    }
  }
  CHECK(c.List().empty());
  // RuntimeDefault needs no module: it runs either way.
  const std::string plain = c.Sleeper(pod, "default", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->mutable_apparmor()->set_profile_type(
        cri::SecurityProfile::RuntimeDefault);
  });
  CHECK(c.Status(plain).state() == cri::CONTAINER_RUNNING);
}

TEST_CASE("memory limit: a container that exceeds it ends OOMKilled") {
  Cluster c;
  const std::string pod = c.RunPod("oom");
  const auto limit = [](int64_t bytes) {
    return [bytes](cri::ContainerConfig& cfg) {
      cfg.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(bytes);
    };
  };
  // The shell (PID 1) holds 128 MiB of "y" lines in a variable: the OOM killer takes it.
  std::string hog =
      c.Run(pod, "hog", {"sh", "-c", "x=$(yes | head -c 134217728); echo survived ${#x}"},
            limit(32 * kMiB));
  // The cgroup is where the runtime looks for the OOM kill count.
  CHECK(fs::exists(c.CgroupDir("memory", hog)));
  cri::ContainerStatus st = c.WaitExited(hog, 60s);
  INFO(c.stack().Log("runtime"));
  CHECK(st.state() == cri::CONTAINER_EXITED);
  CHECK(st.exit_code() == 137);
  CHECK(st.reason() == "OOMKilled");
  CHECK(FileText(c.LogDir("oom") + "/hog/0.log").find("survived") == std::string::npos);

  // Killed by a signal, not by the OOM killer: 137 but not OOMKilled.
  std::string killed = c.Sleeper(pod, "killed", limit(32 * kMiB));
  REQUIRE(c.Stop(killed, 0).ok());
  st = c.Status(killed);
  CHECK(st.exit_code() == 137);
  CHECK(st.reason() == "Error");
  // Well under the limit: completes.
  std::string small =
      c.Run(pod, "small", {"sh", "-c", "x=$(yes | head -c 1048576); echo ${#x}"}, limit(32 * kMiB));
  st = c.WaitExited(small);
  CHECK(st.exit_code() == 0);
  CHECK(st.reason() == "Completed");
  // The status stays right once the runtime deleted the cgroup.
  CHECK(c.Status(hog).reason() == "OOMKilled");
}

// A temp directory bind-mounted on itself and made shared, since "/" here is private;
// unmounted with whatever is below it when the guard goes.
class SharedDir {
 public:
  explicit SharedDir(std::string path) : path_(std::move(path)) {
    fs::create_directories(path_);
    REQUIRE(::mount(path_.c_str(), path_.c_str(), nullptr, MS_BIND, nullptr) == 0);
    mounted_ = true;
    REQUIRE(::mount(nullptr, path_.c_str(), nullptr, MS_SHARED, nullptr) == 0);
  }
  ~SharedDir() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool mounted_ = false;
};

bool Mounted(const std::string& point) {
  std::vector<std::string> points = MountPoints();
  return std::find(points.begin(), points.end(), point) != points.end();
}

cri::Mount* AddMount(cri::ContainerConfig& cfg, const std::string& host, const std::string& path,
                     bool readonly = false,
                     cri::MountPropagation propagation = cri::PROPAGATION_PRIVATE) {
  cri::Mount* m = cfg.add_mounts();
  m->set_host_path(host);
  m->set_container_path(path);
  m->set_readonly(readonly);
  m->set_propagation(propagation);
  return m;
}

TEST_CASE("mounts: read-only and read-write binds, a missing host path, bad paths") {
  Cluster c;
  const std::string pod = c.RunPod("mounts");
  const std::string root = c.stack().root();
  fs::create_directories(root + "/host-ro");
  fs::create_directories(root + "/host-rw");
  std::ofstream(root + "/host-ro/data") << "from the host\n";
  const std::string missing = root + "/made/by/the/runtime";

  std::string id = c.Sleeper(pod, "binds", [&](cri::ContainerConfig& cfg) {
    AddMount(cfg, root + "/host-ro", "/mnt/ro", true);
    AddMount(cfg, root + "/host-rw", "/mnt/rw");
    AddMount(cfg, missing, "/mnt/new");
  });
  CHECK(c.Sh(id, "cat /mnt/ro/data").stdout() == "from the host\n");
  cri::ExecSyncResponse out = c.Sh(id, "touch /mnt/ro/x");
  CHECK(out.exit_code() != 0);
  CHECK(out.stderr().find("Read-only file system") != std::string::npos);
  CHECK(c.Sh(id, "echo from the container > /mnt/rw/out").exit_code() == 0);
  CHECK(FileText(root + "/host-rw/out") == "from the container\n");
  // A missing host path is made a directory, as the kubelet expects of a hostPath.
  CHECK(fs::is_directory(missing));
  CHECK(c.Sh(id, "touch /mnt/new/f").exit_code() == 0);
  CHECK(fs::exists(missing + "/f"));

  // Bad requests leave nothing: no container, no rootfs, no bundle.
  std::string bad;
  grpc::Status s = c.Create(pod, "relative", {"true"}, &bad, [&](cri::ContainerConfig& cfg) {
    AddMount(cfg, root + "/host-rw", "relative/path");
  });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("relative/path") != std::string::npos);
  s = c.Create(pod, "relhost", {"true"}, &bad,
               [&](cri::ContainerConfig& cfg) { AddMount(cfg, "host-rw", "/mnt/x"); });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  s = c.Create(pod, "twice", {"true"}, &bad, [&](cri::ContainerConfig& cfg) {
    AddMount(cfg, root + "/host-rw", "/mnt/x");
    AddMount(cfg, root + "/host-ro", "/mnt/x/");
  });
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(c.List().size() == 1);
}

TEST_CASE("mount propagation: a clear error on a private source; shared and slave work") {
  Cluster c;
  const std::string root = c.stack().root();
  const std::string pod = c.RunPod("prop", [](cri::PodSandboxConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  });
  const auto privileged = [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_security_context()->set_privileged(true);
  };

  // "/" here is private, so is a plain directory under the temp root: the propagation
  // asked for cannot happen, and the runtime says so instead of silently not propagating.
  fs::create_directories(root + "/private");
  std::string id;
  grpc::Status s = c.Create(pod, "bidir", {"true"}, &id, [&](cri::ContainerConfig& cfg) {
    privileged(cfg);
    AddMount(cfg, root + "/private", "/mnt/prop", false, cri::PROPAGATION_BIDIRECTIONAL);
  });
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find(root + "/private") != std::string::npos);
  CHECK(s.error_message().find("not a shared mount") != std::string::npos);
  s = c.Create(pod, "slave", {"true"}, &id, [&](cri::ContainerConfig& cfg) {
    AddMount(cfg, root + "/private", "/mnt/prop", false, cri::PROPAGATION_HOST_TO_CONTAINER);
  });
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  // A missing source is made (as for any hostPath), and made away again when the
  // propagation then fails: the failed call leaves no directory behind.
  s = c.Create(pod, "missing", {"true"}, &id, [&](cri::ContainerConfig& cfg) {
    privileged(cfg);
    AddMount(cfg, root + "/absent/deeper", "/mnt/prop", false, cri::PROPAGATION_BIDIRECTIONAL);
  });
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_FALSE(fs::exists(root + "/absent"));
  CHECK(c.List().empty());

  {
    SharedDir shared(root + "/shared");
    // Bidirectional: what the container mounts below the volume appears on the host.
    std::string bidir = c.Sleeper(pod, "bidir", [&](cri::ContainerConfig& cfg) {
      privileged(cfg);
      AddMount(cfg, shared.path(), "/mnt/prop", false, cri::PROPAGATION_BIDIRECTIONAL);
    });
    // Host to container: what the host (or the bidirectional container) mounts later
    // appears in the container. A private bind of the same directory sees neither.
    std::string slave = c.Sleeper(pod, "slave", [&](cri::ContainerConfig& cfg) {
      AddMount(cfg, shared.path(), "/mnt/prop", true, cri::PROPAGATION_HOST_TO_CONTAINER);
    });
    std::string priv = c.Sleeper(pod, "private", [&](cri::ContainerConfig& cfg) {
      AddMount(cfg, shared.path(), "/mnt/prop", true);
    });
    cri::ExecSyncResponse out =
        c.Sh(bidir, "mkdir -p /mnt/prop/sub && mount -t tmpfs tmpfs /mnt/prop/sub");
    INFO(out.stderr());
    CHECK(out.exit_code() == 0);
    CHECK(Mounted(shared.path() + "/sub"));
    fs::create_directories(shared.path() + "/fromhost");
    REQUIRE(::mount("tmpfs", (shared.path() + "/fromhost").c_str(), "tmpfs", 0, nullptr) == 0);
    CHECK(c.Sh(slave, "grep -c ' /mnt/prop/fromhost ' /proc/mounts").stdout() == "1\n");
    CHECK(c.Sh(slave, "grep -c ' /mnt/prop/sub ' /proc/mounts").stdout() == "1\n");
    CHECK(c.Sh(bidir, "grep -c ' /mnt/prop/fromhost ' /proc/mounts").stdout() == "1\n");
    CHECK(c.Sh(priv, "grep -c ' /mnt/prop/' /proc/mounts").stdout() == "0\n");

    for (const std::string& ctr : {bidir, slave, priv}) CHECK(c.Remove(ctr).ok());
    ::umount2((shared.path() + "/sub").c_str(), MNT_DETACH);
    ::umount2((shared.path() + "/fromhost").c_str(), MNT_DETACH);
  }
  CHECK_FALSE(Mounted(root + "/shared"));
}

TEST_CASE("UpdateContainerResources changes the limits of a running container") {
  Cluster c;
  const std::string pod = c.RunPod("update");
  std::string id = c.Sleeper(pod, "ctr", [](cri::ContainerConfig& cfg) {
    cfg.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(64 * kMiB);
  });
  const std::string memory = c.CgroupDir("memory", id);
  CHECK(Trim(FileText(memory + "/memory.limit_in_bytes")) == std::to_string(64 * kMiB));
  CHECK(c.Status(id).resources().linux().memory_limit_in_bytes() == 64 * kMiB);

  cri::LinuxContainerResources more;
  more.set_memory_limit_in_bytes(128 * kMiB);
  more.set_cpu_shares(512);
  grpc::Status s = c.Update(id, more);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(Trim(FileText(memory + "/memory.limit_in_bytes")) == std::to_string(128 * kMiB));
  CHECK(Trim(FileText(c.CgroupDir("cpu", id) + "/cpu.shares")) == "512");
  if (fs::exists(memory + "/memory.memsw.limit_in_bytes")) {
    CHECK(Trim(FileText(memory + "/memory.memsw.limit_in_bytes")) == std::to_string(128 * kMiB));
  }
  // Down again, below the first limit.
  cri::LinuxContainerResources less;
  less.set_memory_limit_in_bytes(48 * kMiB);
  REQUIRE(c.Update(id, less).ok());
  CHECK(Trim(FileText(memory + "/memory.limit_in_bytes")) == std::to_string(48 * kMiB));
  // ContainerStatus.resources: what is in force, as the kubelet checks an in-place resize;
  // what an update leaves out (here the CPU shares) stays as the runtime keeps it.
  cri::LinuxContainerResources now = c.Status(id).resources().linux();
  CHECK(now.memory_limit_in_bytes() == 48 * kMiB);
  CHECK(now.cpu_shares() == 512);

  cri::LinuxContainerResources bad;
  bad.set_memory_limit_in_bytes(-1);
  CHECK(c.Update(id, bad).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  // Well-formed, but the OCI runtime cannot apply it to this container: a CPU the host does
  // not have. The runtime's refusal, not a fault of cria's; the limits stay as they were.
  cri::LinuxContainerResources no_such_cpu;
  no_such_cpu.set_cpuset_cpus("1000");
  s = c.Update(id, no_such_cpu);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(Trim(FileText(memory + "/memory.limit_in_bytes")) == std::to_string(48 * kMiB));
  CHECK(c.Status(id).resources().linux().cpuset_cpus().empty());  // the refused one is not kept
  if (!fs::exists("/sys/fs/cgroup/cgroup.controllers")) {         // cgroup v1: no unified map
    cri::LinuxContainerResources unified;
    (*unified.mutable_unified())["memory.high"] = "max";
    CHECK(c.Update(id, unified).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  }

  // Kept across a restart of cria-runtime.
  c.stack().Kill("runtime");
  c.stack().Start("runtime");
  c.Connect();
  CHECK(c.Status(id).resources().linux().memory_limit_in_bytes() == 48 * kMiB);
  CHECK(c.Status(id).user().linux().uid() == 0);
  CHECK(c.Status(id).user().has_linux());

  REQUIRE(c.Stop(id, 0).ok());
  CHECK(c.Update(id, more).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.Update("no-such-container", more).error_code() == grpc::StatusCode::NOT_FOUND);

  // A container not started yet (the OCI runtime creates it at StartContainer): the update
  // is what it starts with, merged as for a running one; its device rules stay.
  std::string created;
  REQUIRE(c.Create(pod, "created", {"sleep", "100000"}, &created, [](cri::ContainerConfig& cfg) {
             cfg.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(64 * kMiB);
             cfg.mutable_linux()->mutable_resources()->set_cpu_shares(300);
           }).ok());
  cri::LinuxContainerResources before_start;
  before_start.set_memory_limit_in_bytes(96 * kMiB);
  s = c.Update(created, before_start);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(c.Status(created).resources().linux().memory_limit_in_bytes() == 96 * kMiB);
  CHECK(c.Status(created).resources().linux().cpu_shares() == 300);
  CHECK(c.Update(created, bad).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  REQUIRE(c.Start(created).ok());
  const std::string created_memory = c.CgroupDir("memory", created);
  CHECK(Trim(FileText(created_memory + "/memory.limit_in_bytes")) == std::to_string(96 * kMiB));
  CHECK(Trim(FileText(c.CgroupDir("cpu", created) + "/cpu.shares")) == "300");
  CHECK(c.Sh(created, "echo x > /dev/null && echo ok").stdout() == "ok\n");
  const std::string devices = FileText(c.CgroupDir("devices", created) + "/devices.list");
  INFO(devices);
  CHECK(devices.find("a *:* rwm") == std::string::npos);  // not opened up: the rules stayed
  CHECK(devices.find("c 1:3 rwm") != std::string::npos);
  REQUIRE(c.Remove(created).ok());
}

// The kubelet resizes the pod cgroup, then tells the runtime: the pod's config gets the new
// pod-level resources (PodSandboxStatus shows them) and the infra process of a pod that
// has one gets them through the OCI runtime's update.
TEST_CASE("UpdatePodSandboxResources records pod-level resources and applies them to infra") {
  Cluster c;
  const std::string plain = c.RunPod("plain");
  const std::string shared = c.RunPod("shared", [](cri::PodSandboxConfig& p) {
    p.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(cri::POD);
  });
  auto update = [&](const std::string& pod, const cri::LinuxContainerResources* overhead,
                    const cri::LinuxContainerResources& resources) {
    cri::UpdatePodSandboxResourcesRequest request;
    request.set_pod_sandbox_id(pod);
    if (overhead != nullptr) *request.mutable_overhead() = *overhead;
    *request.mutable_resources() = resources;
    cri::UpdatePodSandboxResourcesResponse response;
    grpc::ClientContext context;
    return c.runtime().UpdatePodSandboxResources(&context, request, &response);
  };
  auto config_of = [&](const std::string& pod) {
    cri::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(pod);
    request.set_verbose(true);
    cri::PodSandboxStatusResponse response;
    grpc::ClientContext context;
    REQUIRE(c.runtime().PodSandboxStatus(&context, request, &response).ok());
    return response.info().at("info");
  };
  cri::LinuxContainerResources resources;
  resources.set_memory_limit_in_bytes(96 * kMiB);
  resources.set_cpu_shares(300);
  cri::LinuxContainerResources overhead;
  overhead.set_memory_limit_in_bytes(8 * kMiB);

  grpc::Status s = update(plain, &overhead, resources);
  INFO(s.error_message());
  REQUIRE(s.ok());
  std::string info = config_of(plain);
  CHECK(info.find("\"memoryLimitInBytes\":\"100663296\"") != std::string::npos);
  CHECK(info.find("\"memoryLimitInBytes\":\"8388608\"") != std::string::npos);

  s = update(shared, nullptr, resources);
  INFO(s.error_message());
  REQUIRE(s.ok());
  // The infra process's cgroup is named after the pod.
  CHECK(Trim(FileText(c.CgroupDir("memory", shared) + "/memory.limit_in_bytes")) ==
        std::to_string(96 * kMiB));
  CHECK(Trim(FileText(c.CgroupDir("cpu", shared) + "/cpu.shares")) == "300");
  CHECK(config_of(shared).find("\"cpuShares\":\"300\"") != std::string::npos);

  // Survives a restart of cria-runtime (it is in the pod's record).
  c.stack().Kill("runtime");
  c.stack().Start("runtime");
  c.Connect();
  CHECK(config_of(plain).find("\"memoryLimitInBytes\":\"100663296\"") != std::string::npos);

  cri::LinuxContainerResources bad;
  bad.set_memory_limit_in_bytes(-1);
  CHECK(update(plain, nullptr, bad).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(config_of(plain).find("\"memoryLimitInBytes\":\"100663296\"") != std::string::npos);
  CHECK(update("no-such-pod", nullptr, resources).error_code() == grpc::StatusCode::NOT_FOUND);
  cri::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(plain);
  cri::StopPodSandboxResponse stopped;
  grpc::ClientContext context;
  REQUIRE(c.runtime().StopPodSandbox(&context, stop, &stopped).ok());
  CHECK(update(plain, nullptr, resources).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
}

// The number after "line" in the last complete line of a CRI log ("" → -1), and the first.
std::pair<int, int> LineRange(const std::string& log) {
  int first = -1, last = -1;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find(" F line");
    if (at == std::string::npos) continue;
    int n = std::stoi(line.substr(at + 7));
    if (first < 0) first = n;
    last = n;
  }
  return {first, last};
}

TEST_CASE("ReopenContainerLog: after a rotation the output goes to the new file") {
  Cluster c;
  const std::string pod = c.RunPod("logs");
  std::string id = c.Run(
      pod, "talker", {"sh", "-c", "i=0; while true; do echo line$i; i=$((i+1)); sleep 0.05; done"});
  const std::string log = c.LogDir("logs") + "/talker/0.log";
  WaitForText(log, " F line5\n");
  // The kubelet's rotation: rename, then ask for a reopen.
  REQUIRE(::rename(log.c_str(), (log + ".1").c_str()) == 0);
  grpc::Status s = c.ReopenLog(id);
  INFO(s.error_message());
  REQUIRE(s.ok());
  std::string fresh = WaitForText(log, " F line");
  std::this_thread::sleep_for(500ms);
  const std::string rotated = FileText(log + ".1");
  std::this_thread::sleep_for(300ms);
  CHECK(FileText(log + ".1") == rotated);  // nothing more goes to the old file
  fresh = FileText(log);
  auto [old_first, old_last] = LineRange(rotated);
  auto [new_first, new_last] = LineRange(fresh);
  INFO("rotated " << old_first << ".." << old_last << ", new " << new_first << ".." << new_last);
  CHECK(old_first == 0);
  CHECK(new_first == old_last + 1);  // not a line lost or repeated
  CHECK(new_last > new_first);

  // Its log directory gone: conmon would exit on the reopen and leave the container
  // unmonitored, so the call is refused and the container goes on as it was.
  const std::string dir = c.LogDir("logs") + "/talker";
  std::filesystem::remove_all(dir);
  s = c.ReopenLog(id);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find(dir) != std::string::npos);
  std::this_thread::sleep_for(300ms);
  CHECK(c.Status(id).state() == cri::CONTAINER_RUNNING);
  std::filesystem::create_directories(dir);
  REQUIRE(c.ReopenLog(id).ok());
  WaitForText(log, " F line");

  REQUIRE(c.Stop(id, 0).ok());
  CHECK(c.ReopenLog(id).error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(c.ReopenLog("no-such-container").error_code() == grpc::StatusCode::NOT_FOUND);
}

// crun 1.8 refuses a cgroup v1 host whose v2 hierarchy holds controllers ("hybrid"); the
// refusal reaches the caller as StartContainer's error and the container's status.
TEST_CASE("the crun handler: runs, or fails with crun's own reason on a hybrid host") {
  Cluster c;
  std::string pod;
  grpc::Status s = c.RunPod("crun", {}, &pod, "crun");
  INFO(s.error_message());
  REQUIRE(s.ok());
  std::string id;
  REQUIRE(
      c.Create(pod, "ctr", {"sh", "-c", "id -u; sleep 100000"}, &id, [](cri::ContainerConfig& cfg) {
         SetUser(cfg, 1000);
       }).ok());
  const std::string controllers = FileText("/sys/fs/cgroup/unified/cgroup.controllers");
  const bool hybrid = controllers.find_first_not_of(" \n") != std::string::npos &&
                      fs::exists("/sys/fs/cgroup/memory");
  s = c.Start(id);
  if (hybrid) {
    CHECK_FALSE(s.ok());
    CHECK(s.error_message().find("hybrid") != std::string::npos);
    cri::ContainerStatus st = c.Status(id);
    CHECK(st.state() == cri::CONTAINER_EXITED);
    CHECK(st.reason() == "StartError");
    CHECK(st.message().find("hybrid") != std::string::npos);
  } else {
    INFO(s.error_message());
    REQUIRE(s.ok());
    CHECK(c.Sh(id, "id -u").stdout() == "1000\n");
  }
}

// The check every test ends with must see what a running container holds, or it proves
// nothing.
// The kubelet's ephemeral (debug) containers: PID namespace mode TARGET joins the PID
// namespace of another running container of the pod, whose process is then PID 1 there.
TEST_CASE("PID namespace TARGET: a debug container sees its target's processes") {
  Cluster c;
  const std::string pod = c.RunPod("target");
  const std::string target = c.Run(pod, "app", {"sleep", "100001"});
  auto targeting = [](const std::string& target_id) {
    return [target_id](cri::ContainerConfig& config) {
      auto* ns = config.mutable_linux()->mutable_security_context()->mutable_namespace_options();
      ns->set_pid(cri::TARGET);
      ns->set_target_id(target_id);
    };
  };
  const std::string debug = c.Sleeper(pod, "debug", targeting(target));
  // PID 1 of the namespace it is in is the target's sleep, not its own.
  grpc::Status exec;
  CHECK(c.Exec(debug, {"grep", "-q", "100001", "/proc/1/cmdline"}, 10, &exec).exit_code() == 0);
  CHECK(exec.ok());
  CHECK(c.Exec(debug, {"grep", "-q", "100000", "/proc/1/cmdline"}, 10, &exec).exit_code() == 1);

  std::string id;
  grpc::Status s = c.Create(pod, "nosuch", {"true"}, &id, targeting("no-such-container"));
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(s.error_message().find("no-such-container") != std::string::npos);
  s = c.Create(pod, "empty", {"true"}, &id, targeting(""));
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  const std::string other_pod = c.RunPod("other");
  s = c.Create(other_pod, "across", {"true"}, &id, targeting(target));
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("another pod") != std::string::npos);

  // Created while the target runs, started after it stopped: refused, still CREATED.
  std::string late;
  REQUIRE(c.Create(pod, "late", {"sleep", "100000"}, &late, targeting(target)).ok());
  REQUIRE(c.Stop(target, 0).ok());
  s = c.Start(late);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("not running") != std::string::npos);
  CHECK(c.Status(late).state() == cri::CONTAINER_CREATED);
  s = c.Create(pod, "stopped", {"true"}, &id, targeting(target));
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
}

// conmon writes the log as root: the kubelet's log_path may not leave the pod's log dir.
TEST_CASE("a log_path outside the pod's log directory is refused") {
  Cluster c;
  const std::string pod = c.RunPod("logs");
  for (const std::string path : {"../escape.log", "a/../../escape.log", "/tmp/escape.log"}) {
    INFO(path);
    std::string id;
    grpc::Status s = c.Create(pod, "ctr", {"true"}, &id,
                              [&](cri::ContainerConfig& config) { config.set_log_path(path); });
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find(path) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(fs::path(c.LogDir("logs")).parent_path() / "escape.log"));
  // Inside it, any depth: fine.
  std::string id;
  REQUIRE(c.Create(pod, "ctr", {"true"}, &id, [](cri::ContainerConfig& config) {
             config.set_log_path("ctr/./x/../0.log");
           }).ok());
  REQUIRE(c.Remove(id).ok());
}

TEST_CASE("the leak check sees a running container's mounts, processes and cgroups") {
  Cluster c;
  const std::string pod = c.RunPod("leaky");
  std::string id = c.Sleeper(pod, "ctr");
  std::string leaks;
  for (const std::string& leak : c.Leaks()) leaks += leak + "\n";
  INFO(leaks);
  CHECK(leaks.find("mount " + c.stack().root() + "/") != std::string::npos);
  CHECK(leaks.find("conmon process ") != std::string::npos);
  CHECK(leaks.find("in cgroup " + c.cgroup_parent() + "/cria-" + id) != std::string::npos);
  CHECK(leaks.find("cgroup /sys/fs/cgroup/memory" + c.cgroup_parent() + "/cria-" + id) !=
        std::string::npos);
}

}  // namespace
}  // namespace cria::testing

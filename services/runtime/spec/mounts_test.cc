// Mounts, mount propagation, devices and masked paths.
#include "services/runtime/spec/mounts.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/runtime/spec/devices.h"
#include "services/runtime/spec/masked_paths.h"
#include "services/runtime/spec/propagation.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
using Catch::Contains;
using Strings = std::vector<std::string>;

using CriMounts = google::protobuf::RepeatedPtrField<cri::Mount>;
using Volumes = google::protobuf::RepeatedPtrField<std::string>;

cri::Mount* AddMount(CriMounts* mounts, const std::string& container, const std::string& host) {
  cri::Mount* m = mounts->Add();
  m->set_container_path(container);
  m->set_host_path(host);
  return m;
}

Strings Destinations(const std::vector<Mount>& mounts) {
  Strings out;
  for (const Mount& m : mounts) out.push_back(m.destination);
  return out;
}

const Mount* Find(const std::vector<Mount>& mounts, const std::string& destination) {
  for (const Mount& m : mounts) {
    if (m.destination == destination) return &m;
  }
  return nullptr;
}

MountPlan Plan(const CriMounts& cri, const MountInputs& inputs, const Volumes& volumes = {}) {
  Result<MountPlan> plan = BuildMounts(cri, volumes, inputs);
  INFO(plan.status().ToString());
  REQUIRE(plan.ok());
  return *plan;
}

Status PlanError(const CriMounts& cri, const MountInputs& inputs = {}) {
  return BuildMounts(cri, {}, inputs).status();
}

TEST_CASE("every container gets the system mounts") {
  MountPlan plan = Plan({}, {});
  CHECK(Destinations(plan.mounts) ==
        Strings{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"});
  const Mount* sys = Find(plan.mounts, "/sys");
  CHECK(sys->type == "sysfs");
  CHECK(sys->options == Strings{"nosuid", "noexec", "nodev", "ro"});
  CHECK(Find(plan.mounts, "/sys/fs/cgroup")->options.back() == "ro");
  CHECK(Find(plan.mounts, "/dev")->options ==
        Strings{"nosuid", "strictatime", "mode=755", "size=65536k"});
  CHECK(Find(plan.mounts, "/dev/pts")->options ==
        Strings{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  CHECK(Find(plan.mounts, "/dev/mqueue")->type == "mqueue");
  CHECK(plan.rootfs_propagation.empty());
  CHECK(plan.host_dirs.empty());
}

TEST_CASE("privileged containers get writable /sys and cgroupfs") {
  MountInputs inputs;
  inputs.privileged = true;
  MountPlan plan = Plan({}, inputs);
  CHECK(Find(plan.mounts, "/sys")->options.back() == "rw");
  CHECK(Find(plan.mounts, "/sys/fs/cgroup")->options.back() == "rw");
}

TEST_CASE("the pod's files are bound in") {
  MountInputs inputs;
  inputs.pod_files = {"/run/cria/p1/hosts", "/run/cria/p1/resolv.conf", "/run/cria/p1/hostname",
                      "/run/cria/p1/shm"};
  MountPlan plan = Plan({}, inputs);
  CHECK(Destinations(plan.mounts) == Strings{"/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys",
                                             "/sys/fs/cgroup", "/etc/hostname", "/etc/hosts",
                                             "/etc/resolv.conf", "/dev/shm"});
  const Mount* hosts = Find(plan.mounts, "/etc/hosts");
  CHECK(hosts->type == "bind");
  CHECK(hosts->source == "/run/cria/p1/hosts");
  CHECK(hosts->options == Strings{"rbind", "rprivate", "rw"});
  CHECK(Find(plan.mounts, "/dev/shm")->source == "/run/cria/p1/shm");
  // The runtime made them: nothing to create, all relabelled.
  CHECK(plan.host_dirs.empty());
  CHECK(plan.relabel.size() == 4);

  SECTION("read-only with a read-only rootfs, except /dev/shm") {
    inputs.readonly_rootfs = true;
    MountPlan ro = Plan({}, inputs);
    CHECK(Find(ro.mounts, "/etc/hosts")->options.back() == "ro");
    CHECK(Find(ro.mounts, "/etc/resolv.conf")->options.back() == "ro");
    CHECK(Find(ro.mounts, "/dev/shm")->options.back() == "rw");
  }
  SECTION("a CRI mount at the same place wins") {
    CriMounts cri;
    AddMount(&cri, "/etc/hosts/", "/srv/hosts");
    MountPlan own = Plan(cri, inputs);
    CHECK(Find(own.mounts, "/etc/hosts")->source == "/srv/hosts");
    Strings d = Destinations(own.mounts);
    CHECK(std::count(d.begin(), d.end(), "/etc/hosts") == 1);
  }
}

TEST_CASE("host IPC binds the host's /dev/shm; /dev/mqueue is mounted as for any container") {
  MountInputs inputs;
  inputs.host_ipc = true;
  inputs.pod_files.shm = "/run/cria/p1/shm";
  MountPlan plan = Plan({}, inputs);
  CHECK(Find(plan.mounts, "/dev/shm")->source == "/dev/shm");
  // Mounted by the OCI runtime's init in the host's IPC namespace: the host's queues.
  CHECK(Find(plan.mounts, "/dev/mqueue")->type == "mqueue");
}

TEST_CASE("CRI mounts: options, propagation and what the caller must do") {
  CriMounts cri;
  AddMount(&cri, "/data", "/srv/data")->set_readonly(true);
  cri::Mount* shared = AddMount(&cri, "/shared", "/mnt/shared");
  shared->set_propagation(cri::PROPAGATION_BIDIRECTIONAL);
  shared->set_selinux_relabel(true);
  AddMount(&cri, "/slave", "/mnt/slave")->set_propagation(cri::PROPAGATION_HOST_TO_CONTAINER);
  cri::Mount* rro = AddMount(&cri, "/rro", "/srv/rro");
  rro->set_readonly(true);
  rro->set_recursive_read_only(true);
  MountInputs inputs;
  inputs.recursive_read_only_supported = true;
  MountPlan plan = Plan(cri, inputs);

  CHECK(Find(plan.mounts, "/data")->options == Strings{"rbind", "rprivate", "ro"});
  CHECK(Find(plan.mounts, "/shared")->options == Strings{"rbind", "rshared", "rw"});
  CHECK(Find(plan.mounts, "/slave")->options == Strings{"rbind", "rslave", "rw"});
  CHECK(Find(plan.mounts, "/rro")->options == Strings{"rbind", "rprivate", "rro"});
  CHECK(plan.rootfs_propagation == "rshared");
  CHECK(plan.host_dirs == Strings{"/srv/data", "/mnt/shared", "/mnt/slave", "/srv/rro"});
  CHECK(plan.relabel == Strings{"/mnt/shared"});
  REQUIRE(plan.propagation_checks.size() == 2);
  CHECK(plan.propagation_checks[0].host_path == "/mnt/shared");
  CHECK(plan.propagation_checks[0].need_shared);
  CHECK(plan.propagation_checks[1].host_path == "/mnt/slave");
  CHECK_FALSE(plan.propagation_checks[1].need_shared);

  SECTION("rslave alone makes the rootfs rslave") {
    CriMounts one;
    AddMount(&one, "/slave", "/mnt/slave")->set_propagation(cri::PROPAGATION_HOST_TO_CONTAINER);
    CHECK(Plan(one, {}).rootfs_propagation == "rslave");
  }
}

TEST_CASE("mounts are ordered parents first") {
  CriMounts cri;
  AddMount(&cri, "/a/b/c", "/h/c");
  AddMount(&cri, "/etc", "/h/etc");
  AddMount(&cri, "/a", "/h/a");
  AddMount(&cri, "/a/b", "/h/b");
  MountInputs inputs;
  inputs.pod_files.hosts = "/run/hosts";
  MountPlan plan = Plan(cri, inputs);
  Strings d = Destinations(plan.mounts);
  Strings binds(d.end() - 5, d.end());
  CHECK(binds == Strings{"/etc", "/a", "/a/b", "/etc/hosts", "/a/b/c"});
}

TEST_CASE("a CRI mount at /dev replaces every default mount under it") {
  CriMounts cri;
  AddMount(&cri, "/dev", "/dev");
  MountPlan plan = Plan(cri, {});
  CHECK(Destinations(plan.mounts) == Strings{"/proc", "/sys", "/sys/fs/cgroup", "/dev"});
}

TEST_CASE("image volumes get an anonymous directory unless a CRI mount covers them") {
  Volumes volumes;
  *volumes.Add() = "/var/lib/data";
  *volumes.Add() = "cache";
  *volumes.Add() = "/covered/";
  *volumes.Add() = "/odd%name/x";
  CriMounts cri;
  AddMount(&cri, "/covered", "/srv/c");
  MountInputs inputs;
  SECTION("no volumes dir: left to the rootfs") {
    MountPlan plan = Plan(cri, inputs, volumes);
    CHECK(Find(plan.mounts, "/var/lib/data") == nullptr);
  }
  SECTION("with a volumes dir") {
    inputs.volumes_dir = "/var/lib/cria/c1/volumes";
    MountPlan plan = Plan(cri, inputs, volumes);
    CHECK(Find(plan.mounts, "/var/lib/data")->source ==
          "/var/lib/cria/c1/volumes/var%2Flib%2Fdata");
    CHECK(Find(plan.mounts, "/cache")->source == "/var/lib/cria/c1/volumes/cache");
    CHECK(Find(plan.mounts, "/odd%name/x")->source == "/var/lib/cria/c1/volumes/odd%25name%2Fx");
    CHECK(Find(plan.mounts, "/covered")->source == "/srv/c");
    CHECK(plan.host_dirs == Strings{"/srv/c", "/var/lib/cria/c1/volumes/cache",
                                    "/var/lib/cria/c1/volumes/odd%25name%2Fx",
                                    "/var/lib/cria/c1/volumes/var%2Flib%2Fdata"});
  }
}

TEST_CASE("bad CRI mounts are refused naming the mount") {
  CriMounts cri;
  SECTION("relative container path") {
    AddMount(&cri, "data", "/srv/data");
    Status s = PlanError(cri);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("\"data\""));
  }
  SECTION("empty container path") {
    AddMount(&cri, "", "/srv/data");
    CHECK(PlanError(cri).code() == StatusCode::kInvalidArgument);
  }
  SECTION("relative host path") {
    AddMount(&cri, "/data", "srv/data");
    CHECK(PlanError(cri).code() == StatusCode::kInvalidArgument);
  }
  SECTION("an image volume source") {
    cri::Mount* m = AddMount(&cri, "/data", "");
    m->mutable_image()->set_image("busybox");
    Status s = PlanError(cri);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains("image"));
  }
  SECTION("ID mappings") {
    AddMount(&cri, "/data", "/srv")->add_uidmappings()->set_length(1);
    CHECK(PlanError(cri).code() == StatusCode::kInvalidArgument);
  }
  SECTION("two mounts at one place") {
    AddMount(&cri, "/data", "/a");
    AddMount(&cri, "/data/", "/b");
    CHECK(PlanError(cri).code() == StatusCode::kInvalidArgument);
  }
  SECTION("recursive read-only needs readonly, private, and runtime support") {
    cri::Mount* m = AddMount(&cri, "/data", "/srv");
    m->set_recursive_read_only(true);
    MountInputs inputs;
    inputs.recursive_read_only_supported = true;
    CHECK(PlanError(cri, inputs).code() == StatusCode::kInvalidArgument);
    m->set_readonly(true);
    m->set_propagation(cri::PROPAGATION_HOST_TO_CONTAINER);
    CHECK(PlanError(cri, inputs).code() == StatusCode::kInvalidArgument);
    m->set_propagation(cri::PROPAGATION_PRIVATE);
    CHECK(PlanError(cri, inputs).ok());
    inputs.recursive_read_only_supported = false;
    Status s = PlanError(cri, inputs);
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(MessageOf(s), Contains("recursive read-only"));
  }
  SECTION("an unknown propagation") {
    AddMount(&cri, "/data", "/srv")->set_propagation(static_cast<cri::MountPropagation>(9));
    CHECK(PlanError(cri).code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("paths are cleaned lexically") {
  CHECK(CleanPath("/") == "/");
  CHECK(CleanPath("") == "/");
  CHECK(CleanPath("//a///b/") == "/a/b");
  CHECK(CleanPath("/a/./b/../c") == "/a/c");
  CHECK(CleanPath("/../../x") == "/x");
  CHECK(PathDepth("/") == 0);
  CHECK(PathDepth("/a/b") == 2);
}

constexpr char kMountinfo[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "30 22 8:2 / /mnt rw,relatime - ext4 /dev/sda2 rw\n"
    "31 30 8:3 / /mnt/slave rw,relatime master:5 - ext4 /dev/sda3 rw\n"
    "32 30 8:4 / /mnt/with\\040space rw,relatime shared:7 master:2 - ext4 /dev/sda4 rw\n"
    "33 30 0:50 / /mnt/private rw - tmpfs tmpfs rw\n"
    "34 33 0:51 / /mnt/private rw shared:9 - tmpfs tmpfs rw\n";

TEST_CASE("propagation needs a shared (or slave) host mount") {
  CHECK(CheckPropagation({"/data/x", true}, kMountinfo).ok());
  CHECK(CheckPropagation({"/mnt/slave/dir", false}, kMountinfo).ok());
  Status s = CheckPropagation({"/mnt/slave/dir", true}, kMountinfo);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(MessageOf(s), Contains("/mnt/slave/dir") && Contains("not a shared mount"));
  s = CheckPropagation({"/mnt/plain", false}, kMountinfo);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(MessageOf(s), Contains("on mount /mnt,"));
  CHECK(CheckPropagation({"/mnt/with space/a", true}, kMountinfo).ok());
  // The mount stacked last on a mount point is the one that counts.
  CHECK(CheckPropagation({"/mnt/private/a", true}, kMountinfo).ok());
  CHECK(CheckPropagation({"/x", true}, "").code() == StatusCode::kNotFound);
}

using CriDevices = google::protobuf::RepeatedPtrField<cri::Device>;

void AddDevice(CriDevices* devices, const std::string& host, const std::string& container,
               const std::string& perms) {
  cri::Device* d = devices->Add();
  d->set_host_path(host);
  d->set_container_path(container);
  d->set_permissions(perms);
}

TEST_CASE("unprivileged containers get the default device rules and their CRI devices") {
  testing::FakeHostLookup host;
  CriDevices cri;
  AddDevice(&cri, "/dev/sda", "/dev/xvda", "mr");
  AddDevice(&cri, "/dev/dri", "/dev/gpu", "");
  Result<DevicePlan> plan = BuildDevices(cri, false, false, host);
  REQUIRE(plan.ok());
  REQUIRE(plan->devices.size() == 3);
  CHECK(plan->devices[0].path == "/dev/xvda");
  CHECK(plan->devices[0].type == "b");
  CHECK(plan->devices[0].major == 8);
  CHECK(*plan->devices[0].file_mode == 0660);
  CHECK(*plan->devices[0].gid == 6);
  CHECK(plan->devices[1].path == "/dev/gpu/card0");
  CHECK(plan->devices[2].path == "/dev/gpu/renderD128");
  std::vector<DeviceCgroupRule> defaults = DefaultDeviceRules();
  REQUIRE(plan->rules.size() == defaults.size() + 3);
  CHECK_FALSE(plan->rules[0].allow);
  CHECK(plan->rules[0].access == "rwm");
  const DeviceCgroupRule& sda = plan->rules[defaults.size()];
  CHECK(sda.allow);
  CHECK(sda.type == "b");
  CHECK(*sda.major == 8);
  CHECK(*sda.minor == 0);
  CHECK(sda.access == "rm");
  CHECK(plan->rules.back().access == "rwm");
}

TEST_CASE("the default device rules allow what every container needs") {
  std::vector<std::string> allowed;
  for (const DeviceCgroupRule& r : DefaultDeviceRules()) {
    if (!r.allow) continue;
    allowed.push_back(r.type + " " + std::to_string(*r.major) + ":" +
                      (r.minor ? std::to_string(*r.minor) : "*"));
  }
  CHECK(allowed ==
        Strings{"c 1:3", "c 1:5", "c 1:7", "c 5:0", "c 1:9", "c 1:8", "c 5:2", "c 136:*"});
}

TEST_CASE("privileged containers get every host device") {
  testing::FakeHostLookup host;
  CriDevices cri;
  AddDevice(&cri, "/dev/null", "/dev/sda", "r");
  Result<DevicePlan> plan = BuildDevices(cri, true, false, host);
  REQUIRE(plan.ok());
  CHECK(plan->devices.size() == 5);
  REQUIRE(plan->rules.size() == 1);
  CHECK(plan->rules[0].allow);
  CHECK_FALSE(plan->rules[0].major);
  // The CRI device replaced the host's at its path.
  for (const Device& d : plan->devices) {
    if (d.path == "/dev/sda") CHECK(d.major == 1);
  }
  SECTION("unless configured without host devices") {
    Result<DevicePlan> bare = BuildDevices({}, true, true, host);
    REQUIRE(bare.ok());
    CHECK(bare->devices.empty());
    CHECK(bare->rules.size() == DefaultDeviceRules().size());
  }
}

TEST_CASE("bad devices are refused") {
  testing::FakeHostLookup host;
  CriDevices cri;
  SECTION("bad permissions") { AddDevice(&cri, "/dev/null", "/dev/null", "rwx"); }
  SECTION("relative host path") { AddDevice(&cri, "dev/null", "/dev/null", "r"); }
  SECTION("relative container path") { AddDevice(&cri, "/dev/null", "null", "r"); }
  Result<DevicePlan> plan = BuildDevices(cri, false, false, host);
  CHECK(plan.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a missing device is NotFound") {
  testing::FakeHostLookup host;
  CriDevices cri;
  AddDevice(&cri, "/dev/nope", "", "r");
  CHECK(BuildDevices(cri, false, false, host).status().code() == StatusCode::kNotFound);
}

TEST_CASE("the real host lookup reads device nodes") {
  SystemHostLookup host;
  Result<std::vector<HostDevice>> null_dev = host.Devices("/dev/null");
  REQUIRE(null_dev.ok());
  REQUIRE(null_dev->size() == 1);
  CHECK((*null_dev)[0].type == 'c');
  CHECK((*null_dev)[0].major == 1);
  CHECK((*null_dev)[0].minor == 3);
  Result<std::vector<HostDevice>> all = host.Devices("/dev");
  REQUIRE(all.ok());
  bool has_null = false;
  for (const HostDevice& d : *all) {
    has_null |= d.path == "/dev/null";
    CHECK(d.path.rfind("/dev/pts/", 0) != 0);
    CHECK(d.path != "/dev/console");
  }
  CHECK(has_null);
  CHECK(host.Devices("/etc/hostname").status().code() == StatusCode::kInvalidArgument);
  CHECK(host.Devices("/no/such/device").status().code() == StatusCode::kNotFound);
}

TEST_CASE("masked and read-only paths") {
  cri::LinuxContainerSecurityContext security;
  Result<HiddenPaths> paths = BuildHiddenPaths(security, false);
  REQUIRE(paths.ok());
  CHECK(paths->masked == DefaultMaskedPaths());
  CHECK(paths->readonly == DefaultReadonlyPaths());
  CHECK(std::find(paths->masked.begin(), paths->masked.end(), "/proc/kcore") !=
        paths->masked.end());
  CHECK(std::find(paths->readonly.begin(), paths->readonly.end(), "/proc/sys") !=
        paths->readonly.end());

  SECTION("privileged: none") {
    paths = BuildHiddenPaths(security, true);
    CHECK(paths->masked.empty());
    CHECK(paths->readonly.empty());
  }
  SECTION("the CRI's lists replace the defaults") {
    security.add_masked_paths("/proc/secret");
    security.add_readonly_paths("/proc/ro");
    paths = BuildHiddenPaths(security, false);
    CHECK(paths->masked == Strings{"/proc/secret"});
    CHECK(paths->readonly == Strings{"/proc/ro"});
  }
  SECTION("relative paths are refused") {
    security.add_masked_paths("proc/x");
    CHECK(BuildHiddenPaths(security, false).status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace cria::runtime::spec

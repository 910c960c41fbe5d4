// Seccomp: the built-in RuntimeDefault profile, profile conversion, choosing a profile.
#include "services/runtime/spec/seccomp.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "libs/records/json_object.h"
#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/seccomp_default.h"
#include "services/runtime/spec/seccomp_profile.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
using Catch::Contains;
using Strings = std::vector<std::string>;

// A rendered profile, read back.
struct Rendered {
  rapidjson::Document doc;
  std::set<std::string> allowed;      // unconditionally allowed
  std::set<std::string> conditional;  // allowed for some argument values
  std::set<std::string> errno_rules;  // with an explicit errno action

  explicit Rendered(const std::string& json) {
    Result<rapidjson::Document> parsed = records::ParseJsonObject(json);
    REQUIRE(parsed.ok());
    doc = std::move(*parsed);
    for (const auto& rule : doc["syscalls"].GetArray()) {
      CHECK_FALSE(rule.HasMember("includes"));
      CHECK_FALSE(rule.HasMember("excludes"));
      CHECK_FALSE(rule.HasMember("comment"));
      const std::string action = rule["action"].GetString();
      const bool has_args =
          rule.HasMember("args") && rule["args"].IsArray() && !rule["args"].Empty();
      for (const auto& name : rule["names"].GetArray()) {
        if (action == "SCMP_ACT_ALLOW" && !has_args) {
          allowed.insert(name.GetString());
        } else if (action == "SCMP_ACT_ALLOW") {
          conditional.insert(name.GetString());
        } else {
          errno_rules.insert(name.GetString());
        }
      }
    }
  }

  const rapidjson::Value* RuleFor(const std::string& name) const {
    for (const auto& rule : doc["syscalls"].GetArray()) {
      for (const auto& n : rule["names"].GetArray()) {
        if (name == n.GetString()) return &rule;
      }
    }
    return nullptr;
  }

  Strings Architectures() const {
    Strings out;
    for (const auto& a : doc["architectures"].GetArray()) out.push_back(a.GetString());
    return out;
  }
};

Rendered Builtin(Strings caps, const std::string& arch = "amd64", int major = 6, int minor = 1) {
  SeccompTarget target{std::move(caps), arch, major, minor};
  Result<std::string> json = RenderSeccompProfile(BuiltinSeccompProfileJson(), target);
  REQUIRE(json.ok());
  return Rendered(*json);
}

TEST_CASE("RuntimeDefault refuses by default and allows what programs need") {
  Rendered p = Builtin(DefaultCapabilities());
  CHECK(std::string(p.doc["defaultAction"].GetString()) == "SCMP_ACT_ERRNO");
  CHECK(p.doc["defaultErrnoRet"].GetInt() == 1);
  CHECK_FALSE(p.doc.HasMember("archMap"));
  CHECK(p.Architectures() == Strings{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  for (const char* name : {"read", "write", "openat", "execve", "mmap", "futex", "exit_group",
                           "clone", "wait4", "socket", "arch_prctl", "ptrace", "setuid", "chown",
                           "getrandom", "rt_sigreturn", "epoll_wait"}) {
    INFO(name);
    CHECK((p.allowed.count(name) + p.conditional.count(name)) == 1);
  }
}

TEST_CASE("RuntimeDefault without CAP_SYS_ADMIN: no namespaces, no mounts") {
  Rendered p = Builtin(DefaultCapabilities());
  for (const char* name : {"unshare",        "setns",
                           "mount",          "umount2",
                           "pivot_root",     "bpf",
                           "init_module",    "reboot",
                           "kexec_load",     "open_by_handle_at",
                           "sethostname",    "keyctl",
                           "add_key",        "userfaultfd",
                           "io_uring_setup", "perf_event_open",
                           "chroot",         "settimeofday",
                           "acct",           "swapon"}) {
    INFO(name);
    CHECK_FALSE(p.allowed.count(name));
    CHECK_FALSE(p.conditional.count(name));
  }
  // clone only without namespace flags.
  CHECK(p.conditional.count("clone"));
  const rapidjson::Value* clone = p.RuleFor("clone");
  REQUIRE(clone != nullptr);
  const auto& arg = (*clone)["args"][0];
  CHECK(arg["index"].GetInt() == 0);
  CHECK(arg["value"].GetUint64() == 0x7E020000u);
  CHECK(std::string(arg["op"].GetString()) == "SCMP_CMP_MASKED_EQ");
  // clone3 fails with ENOSYS so the C library falls back to clone.
  const rapidjson::Value* clone3 = p.RuleFor("clone3");
  REQUIRE(clone3 != nullptr);
  CHECK(std::string((*clone3)["action"].GetString()) == "SCMP_ACT_ERRNO");
  CHECK((*clone3)["errnoRet"].GetInt() == 38);
  // Sockets of every family but AF_VSOCK.
  const auto& socket_arg = (*p.RuleFor("socket"))["args"][0];
  CHECK(socket_arg["value"].GetInt() == 40);
  CHECK(std::string(socket_arg["op"].GetString()) == "SCMP_CMP_NE");
}

TEST_CASE("RuntimeDefault with CAP_SYS_ADMIN allows what that capability covers") {
  Strings caps = DefaultCapabilities();
  caps.push_back("CAP_SYS_ADMIN");
  caps.push_back("CAP_SYS_PTRACE");
  Rendered p = Builtin(caps);
  for (const char* name : {"unshare", "setns", "mount", "umount2", "clone", "clone3", "bpf", "kcmp",
                           "process_madvise"}) {
    INFO(name);
    CHECK(p.allowed.count(name));
  }
  CHECK_FALSE(p.errno_rules.count("clone3"));
  CHECK_FALSE(p.conditional.count("clone"));
}

TEST_CASE("RuntimeDefault follows the architecture and kernel") {
  Rendered arm = Builtin(DefaultCapabilities(), "arm64");
  CHECK(arm.Architectures() == Strings{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"});
  CHECK(arm.allowed.count("set_tls"));
  CHECK_FALSE(arm.allowed.count("arch_prctl"));
  Rendered old = Builtin(DefaultCapabilities(), "amd64", 4, 4);
  CHECK_FALSE(old.allowed.count("ptrace"));
  Rendered unknown_kernel = Builtin(DefaultCapabilities(), "amd64", 0, 0);
  CHECK(unknown_kernel.allowed.count("ptrace"));
}

TEST_CASE("Docker-format profiles are resolved for the container") {
  const std::string profile = R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": null}],
    "syscalls": [
      {"name": "read", "action": "SCMP_ACT_ALLOW", "args": null, "comment": "old form"},
      {"names": ["write"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}},
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
      {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.8"}},
      {"names": ["kexec_load"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.0"}},
      {"names": ["uname"], "action": "SCMP_ACT_LOG", "excludes": {"caps": ["CAP_KILL"]}}
    ]})";
  Result<std::string> json = RenderSeccompProfile(profile, {{"CAP_CHOWN"}, "amd64", 6, 1});
  REQUIRE(json.ok());
  Rendered p(*json);
  CHECK(p.Architectures() == Strings{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"});
  CHECK(p.allowed == std::set<std::string>{"read", "bpf"});
  CHECK(p.errno_rules == std::set<std::string>{"uname"});  // the SCMP_ACT_LOG rule
  CHECK((*p.RuleFor("read"))["args"].IsNull());

  json = RenderSeccompProfile(profile, {{"CAP_SYS_ADMIN", "CAP_KILL"}, "arm64", 4, 19});
  REQUIRE(json.ok());
  Rendered arm(*json);
  CHECK(arm.Architectures() == Strings{"SCMP_ARCH_AARCH64"});
  CHECK(arm.allowed == std::set<std::string>{"read", "write", "mount", "kexec_load"});
}

TEST_CASE("OCI-format profiles are passed through") {
  const std::string profile =
      R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],)"
      R"("flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["ptrace"],)"
      R"("action":"SCMP_ACT_ERRNO","errnoRet":1}]})";
  Result<std::string> json = RenderSeccompProfile(profile, {{}, "amd64", 6, 1});
  REQUIRE(json.ok());
  Rendered p(*json);
  CHECK(p.doc["flags"][0] == "SECCOMP_FILTER_FLAG_LOG");
  CHECK(p.Architectures() == Strings{"SCMP_ARCH_X86_64"});
  CHECK(p.errno_rules == std::set<std::string>{"ptrace"});
}

TEST_CASE("broken profiles are InvalidArgument saying what is wrong") {
  auto error = [](const std::string& text) {
    return RenderSeccompProfile(text, {{}, "amd64", 6, 1}).status();
  };
  CHECK(error("[]").code() == StatusCode::kInvalidArgument);
  CHECK(error("{").code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(error("{}")), Contains("defaultAction"));
  CHECK_THAT(MessageOf(error(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"x"}]})")),
             Contains("syscalls[0] names no syscall"));
  CHECK_THAT(MessageOf(error(R"({"defaultAction":"A","syscalls":[{"names":["x"]}]})")),
             Contains("no action"));
  CHECK_THAT(MessageOf(error(R"({"defaultAction":"A","syscalls":[{"names":["x"],"action":"B",)"
                             R"("includes":{"minKernel":"new"}}]})")),
             Contains("minKernel"));
  CHECK(error(R"({"defaultAction":"A","syscalls":{}})").code() == StatusCode::kInvalidArgument);
}

SeccompChoice Choose(bool has, cri::SecurityProfile::ProfileType type, const std::string& ref,
                     const std::string& deprecated) {
  cri::SecurityProfile profile;
  profile.set_profile_type(type);
  profile.set_localhost_ref(ref);
  Result<SeccompChoice> choice = ChooseSeccomp(has, profile, deprecated);
  REQUIRE(choice.ok());
  return *choice;
}

TEST_CASE("choosing the seccomp profile: the field, else the deprecated string") {
  using Kind = SeccompChoice::Kind;
  CHECK(Choose(true, cri::SecurityProfile::RuntimeDefault, "", "unconfined").kind ==
        Kind::kRuntimeDefault);
  CHECK(Choose(true, cri::SecurityProfile::Unconfined, "", "runtime/default").kind ==
        Kind::kUnconfined);
  SeccompChoice local = Choose(true, cri::SecurityProfile::Localhost, "/etc/p.json", "");
  CHECK(local.kind == Kind::kLocalhost);
  CHECK(local.path == "/etc/p.json");
  CHECK(Choose(false, {}, "", "").kind == Kind::kUnconfined);
  CHECK(Choose(false, {}, "", "unconfined").kind == Kind::kUnconfined);
  CHECK(Choose(false, {}, "", "runtime/default").kind == Kind::kRuntimeDefault);
  CHECK(Choose(false, {}, "", "docker/default").kind == Kind::kRuntimeDefault);
  SeccompChoice old = Choose(false, {}, "", "localhost//var/lib/p.json");
  CHECK(old.kind == Kind::kLocalhost);
  CHECK(old.path == "/var/lib/p.json");

  cri::SecurityProfile relative;
  relative.set_profile_type(cri::SecurityProfile::Localhost);
  relative.set_localhost_ref("p.json");
  CHECK(ChooseSeccomp(true, relative, "").status().code() == StatusCode::kInvalidArgument);
  CHECK(ChooseSeccomp(false, {}, "bogus").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the seccomp filter of a container") {
  HostFacts host = testing::BasicHost();
  Capabilities caps;
  caps.bounding = DefaultCapabilities();
  using Kind = SeccompChoice::Kind;

  CHECK(SeccompJson({Kind::kUnconfined, ""}, false, caps, host)->empty());
  CHECK(SeccompJson({Kind::kRuntimeDefault, ""}, /*privileged=*/true, caps, host)->empty());
  Result<std::string> builtin = SeccompJson({Kind::kRuntimeDefault, ""}, false, caps, host);
  REQUIRE(builtin.ok());
  CHECK_FALSE(Rendered(*builtin).allowed.count("unshare"));

  SECTION("Localhost: the file, or NotFound naming it") {
    testing::TempDir dir;
    const std::string path = dir.path() + "/profile.json";
    Status missing = SeccompJson({Kind::kLocalhost, path}, false, caps, host).status();
    CHECK(missing.code() == StatusCode::kNotFound);
    CHECK_THAT(MessageOf(missing), Contains(path));
    testing::WriteFile(path, R"({"defaultAction":"SCMP_ACT_LOG"})");
    Result<std::string> json = SeccompJson({Kind::kLocalhost, path}, false, caps, host);
    REQUIRE(json.ok());
    CHECK(*json == R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[]})");
    testing::WriteFile(path, "not json");
    Status bad = SeccompJson({Kind::kLocalhost, path}, false, caps, host).status();
    CHECK(bad.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(bad), Contains(path));
  }
  SECTION("runtime.seccomp_profile: what RuntimeDefault means, checked at start") {
    testing::TempDir dir;
    const std::string path = dir.path() + "/default.json";
    Status missing = LoadDefaultSeccompProfile(path).status();
    CHECK(missing.code() == StatusCode::kNotFound);
    CHECK_THAT(MessageOf(missing), Contains(path));
    testing::WriteFile(path, R"({"syscalls": []})");
    Status bad = LoadDefaultSeccompProfile(path).status();
    CHECK(bad.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(bad), Contains("seccomp profile " + path));
    testing::WriteFile(path, R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["unshare"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]})");
    Result<std::string> loaded = LoadDefaultSeccompProfile(path);
    REQUIRE(loaded.ok());
    host.default_seccomp_profile = *loaded;
    Result<std::string> json = SeccompJson({Kind::kRuntimeDefault, ""}, false, caps, host);
    REQUIRE(json.ok());
    Rendered mine(*json);
    CHECK(std::string(mine.doc["defaultAction"].GetString()) == "SCMP_ACT_ALLOW");
    CHECK(mine.errno_rules == std::set<std::string>{"mkdir"});
    CHECK(mine.allowed.empty());  // unshare's rule needs a capability these caps lack
    // Resolved for each container's capabilities, as the built-in is.
    Capabilities admin = caps;
    admin.bounding.push_back("CAP_SYS_ADMIN");
    CHECK(Rendered(*SeccompJson({Kind::kRuntimeDefault, ""}, false, admin, host)).allowed ==
          std::set<std::string>{"unshare"});
    // Unconfined and privileged stay without a filter.
    CHECK(SeccompJson({Kind::kUnconfined, ""}, false, caps, host)->empty());
    CHECK(SeccompJson({Kind::kRuntimeDefault, ""}, true, caps, host)->empty());
  }
  SECTION("no seccomp on the host") {
    host.seccomp_enabled = false;
    CHECK(SeccompJson({Kind::kRuntimeDefault, ""}, false, caps, host).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(SeccompJson({Kind::kUnconfined, ""}, false, caps, host).ok());
  }
}

}  // namespace
}  // namespace cria::runtime::spec

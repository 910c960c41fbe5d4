#include "services/runtime/spec/node_defaults.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

using Catch::Contains;

TEST_CASE("node defaults: the embedded config gives what containers had without it") {
  Result<NodeDefaults> defaults = LoadNodeDefaults(config::Config{}.runtime, testing::BasicHost());
  REQUIRE(defaults.ok());
  CHECK(defaults->capabilities == NormalizeCapabilities(DefaultCapabilities()).value());
  CHECK(defaults->sysctls.empty());
  CHECK(defaults->rlimits.empty());
  CHECK(defaults->seccomp_profile.empty());
  CHECK_FALSE(defaults->privileged_without_host_devices);
  HostFacts host = testing::BasicHost();
  host.default_capabilities.clear();
  ApplyNodeDefaults(*defaults, host);
  CHECK(host.default_capabilities == defaults->capabilities);
}

TEST_CASE("node defaults: each key's items, and what they give the spec generator") {
  testing::TempDir dir;
  const std::string profile = dir.path() + "/seccomp.json";
  testing::WriteFile(profile, R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  config::RuntimeSection runtime;
  runtime.default_capabilities = {"net_raw", "CHOWN"};
  runtime.default_sysctls = {"net.ipv4.ping_group_range=0 2147483647"};
  runtime.default_ulimits = {"core=0"};
  runtime.seccomp_profile = profile;
  runtime.privileged_without_host_devices = true;
  runtime.default_env = {"ZONE=a"};
  Result<NodeDefaults> defaults = LoadNodeDefaults(runtime, testing::BasicHost());
  REQUIRE(defaults.ok());
  CHECK(defaults->capabilities == std::vector<std::string>{"CAP_CHOWN", "CAP_NET_RAW"});
  CHECK(defaults->sysctls.at("net.ipv4.ping_group_range") == "0 2147483647");
  REQUIRE(defaults->rlimits.size() == 1);
  CHECK(defaults->rlimits[0].type == "RLIMIT_CORE");
  CHECK(defaults->seccomp_profile == R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  HostFacts host = testing::BasicHost();
  ApplyNodeDefaults(*defaults, host);
  CHECK(host.default_capabilities == defaults->capabilities);
  CHECK(host.default_seccomp_profile == defaults->seccomp_profile);
  CHECK(host.privileged_without_host_devices);
  CHECK(host.default_env == std::vector<std::string>{"ZONE=a"});
}

TEST_CASE("node defaults: a bad item is refused naming its key") {
  struct Case {
    const char* key;
    std::function<void(config::RuntimeSection&)> set;
    const char* says;
  };
  rlimit own{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &own) == 0);
  REQUIRE(own.rlim_max != RLIM_INFINITY);
  const std::string above = "nofile=1:" + std::to_string(own.rlim_max + 1);
  for (const Case& c : std::vector<Case>{
           {"runtime.default_capabilities", [](auto& r) { r.default_capabilities = {"FLY"}; },
            "unknown capability"},
           {"runtime.default_sysctls", [](auto& r) { r.default_sysctls = {"vm.swappiness=1"}; },
            "not namespaced"},
           {"runtime.default_ulimits", [](auto& r) { r.default_ulimits = {"files=1"}; },
            "unknown limit files"},
           {"runtime.default_ulimits", [&](auto& r) { r.default_ulimits = {above}; },
            "which it cannot raise without CAP_SYS_RESOURCE"},
           {"runtime.seccomp_profile",
            [](auto& r) { r.seccomp_profile = "/nonexistent/cria-seccomp.json"; },
            "/nonexistent/cria-seccomp.json"},
       }) {
    INFO(c.key << ": " << c.says);
    config::RuntimeSection runtime;
    c.set(runtime);
    HostFacts host = testing::BasicHost();
    // As on this machine: the runtime lacks CAP_SYS_RESOURCE.
    host.all_capabilities.erase(
        std::remove(host.all_capabilities.begin(), host.all_capabilities.end(), "CAP_SYS_RESOURCE"),
        host.all_capabilities.end());
    Status s = LoadNodeDefaults(runtime, host).status();
    REQUIRE_FALSE(s.ok());
    CHECK(MessageOf(s).rfind(std::string(c.key) + ": ", 0) == 0);
    CHECK_THAT(MessageOf(s), Contains(c.says));
  }
}

}  // namespace
}  // namespace cria::runtime::spec

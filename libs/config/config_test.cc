#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "libs/config/loader.h"
#include "libs/config/schema.h"
#include "libs/config/values.h"
#include "libs/testing/temp_dir.h"

namespace cria::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

using cria::testing::TempDir;

// Writes `text` to `name` under `dir`, making the directories on the way; returns its path.
std::string WriteIn(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.path() + "/" + name;
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
  return path;
}

std::string ErrorOf(std::string_view yaml) {
  Config c;
  Status s = ApplyYaml(yaml, "/etc/cria/cria.yaml", c);
  return s.ok() ? "" : MessageOf(s);
}

TEST_CASE("durations and modes parse like Go and chmod") {
  CHECK(ParseDuration("500ms").value() == milliseconds(500));
  CHECK(ParseDuration("1m30s").value() == milliseconds(90'000));
  CHECK(ParseDuration("2h").value() == milliseconds(7'200'000));
  CHECK_FALSE(ParseDuration("10").ok());
  CHECK_FALSE(ParseDuration("fast").ok());
  CHECK_FALSE(ParseDuration("5d").ok());
  CHECK(FormatDuration(milliseconds(90'000)) == "1m30s");
  CHECK(FormatDuration(milliseconds(1500)) == "1500ms");
  CHECK(FormatDuration(milliseconds(0)) == "0s");
  CHECK(ParseFileMode("0660").value() == 0660);
  CHECK(ParseFileMode("0o600").value() == 0600);
  CHECK_FALSE(ParseFileMode("0680").ok());
  CHECK_FALSE(ParseFileMode("4755").ok());
  CHECK(FormatFileMode(0660) == "0660");
}

TEST_CASE("no file at all gives the embedded defaults") {
  TempDir dir("cria-config-test-", "/tmp");
  auto loaded = Load({dir.path() + "/cria.yaml", false, dir.path() + "/cria.d"}, {});
  REQUIRE(loaded.ok());
  CHECK(loaded->files.empty());
  CHECK(loaded->config.common.state_dir == "/var/lib/cria");
  CHECK(loaded->config.common.run_dir == "/run/cria");
  CHECK(SocketPath(loaded->config, Daemon::kGateway) == "/run/cria/cria.sock");
  CHECK(SocketPath(loaded->config, Daemon::kStorage) == "/run/cria/storage.sock");
  CHECK(StateDir(loaded->config, Daemon::kImage) == "/var/lib/cria/image");
}

TEST_CASE("a named --config file must exist") {
  TempDir dir("cria-config-test-", "/tmp");
  auto loaded = Load({dir.path() + "/missing.yaml", true, ""}, {});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(loaded.status()).find("missing.yaml") != std::string::npos);
}

TEST_CASE("main file, drop-ins in lexical order, then flags") {
  TempDir dir("cria-config-test-", "/tmp");
  std::string main = WriteIn(dir, "cria.yaml",
                             "common:\n  log_level: debug\n  run_dir: /run/a\n"
                             "gateway:\n  status_timeout: 5s\n");
  WriteIn(dir, "cria.d/20-b.yaml", "common:\n  run_dir: /run/b\n");
  WriteIn(dir, "cria.d/10-a.yaml", "common:\n  run_dir: /run/ignored\n  state_dir: /var/x\n");
  WriteIn(dir, "cria.d/notes.txt", "not: yaml: at all: [");
  Overrides flags;
  flags.state_dir = "/srv/cria";
  auto loaded = Load({main, true, dir.path() + "/cria.d"}, flags);
  REQUIRE(loaded.ok());
  const Config& c = loaded->config;
  CHECK(c.common.log_level == "debug");
  CHECK(c.common.run_dir == "/run/b");       // 20-b after 10-a
  CHECK(c.common.state_dir == "/srv/cria");  // flag beats files
  CHECK(c.gateway.status_timeout == milliseconds(5000));
  REQUIRE(loaded->files.size() == 3);
  CHECK(loaded->files[1] == dir.path() + "/cria.d/10-a.yaml");
  std::string printed = Print(*loaded);
  CHECK(printed.find("run_dir: \"/run/b\"") != std::string::npos);
  CHECK(printed.find("status_timeout: 5s") != std::string::npos);
  CHECK(printed.find("#   " + main) != std::string::npos);
}

TEST_CASE("unknown keys, wrong types and bad values name file, line, key and reason") {
  CHECK(ErrorOf("gateway:\n  cri_sokcet: /x\n") ==
        "/etc/cria/cria.yaml:2:3: gateway.cri_sokcet: unknown key (known keys: cri_socket, "
        "cri_socket_group, cri_socket_mode, backend_wait_timeout, status_timeout)");
  CHECK(ErrorOf("gatway:\n  x: 1\n").find("/etc/cria/cria.yaml:1:1: gatway: unknown section") == 0);
  CHECK(ErrorOf("gateway:\n  status_timeout: soon\n") ==
        "/etc/cria/cria.yaml:2:19: gateway.status_timeout: expected a duration like 500ms, "
        "30s, 2m or 1m30s, got \"soon\"");
  CHECK(ErrorOf("gateway:\n  status_timeout: [1, 2]\n")
            .find("gateway.status_timeout: expected a duration, got a list or mapping") !=
        std::string::npos);
  CHECK(ErrorOf("common:\n  log_level: loud\n") ==
        "/etc/cria/cria.yaml:2:14: common.log_level: \"loud\" is not one of error, warn, info, "
        "debug, trace");
  CHECK(ErrorOf("common:\n  run_dir: relative/dir\n")
            .find("common.run_dir: \"relative/dir\" is not an absolute path") != std::string::npos);
  CHECK(ErrorOf("common:\n  state_dir: /var/../etc\n").find("contains \"..\"") !=
        std::string::npos);
  CHECK(ErrorOf("common: [1]\n").find("common: expected a mapping") != std::string::npos);
  CHECK(ErrorOf("- a\n- b\n").find("expected a mapping of sections") != std::string::npos);
  CHECK(ErrorOf("common:\n  log_level: info\n bad indent: [\n").find("YAML syntax error") !=
        std::string::npos);
  CHECK(ErrorOf("").empty());
  CHECK(ErrorOf("image:\n").empty());
  CHECK(ErrorOf("runtime:\n  anything: 1\n").find("unknown key") != std::string::npos);
}

TEST_CASE("image keys: integers in range, key=value lists") {
  Config c;
  REQUIRE(ApplyYaml("image:\n  max_concurrent_downloads: 5\n"
                    "  registry_mirrors: [docker.io=127.0.0.1:5000, docker.io=m2/x]\n",
                    "f", c)
              .ok());
  CHECK(c.image.max_concurrent_downloads == 5);
  CHECK(c.image.registry_mirrors ==
        std::vector<std::string>{"docker.io=127.0.0.1:5000", "docker.io=m2/x"});
  CHECK(ErrorOf("image:\n  max_concurrent_downloads: 0\n").find("between 1 and 64") !=
        std::string::npos);
  CHECK(ErrorOf("image:\n  pull_retries: three\n").find("is not an integer") != std::string::npos);
  CHECK(ErrorOf("image:\n  short_name_aliases: [busybox]\n").find("key=value") !=
        std::string::npos);
}

TEST_CASE("list keys take YAML sequences and check each item") {
  Config c;
  REQUIRE(ApplyYaml("network:\n  cni_config_dirs: [/etc/cni/net.d, /srv/cni]\n", "f", c).ok());
  CHECK(c.network.cni_config_dirs == std::vector<std::string>{"/etc/cni/net.d", "/srv/cni"});
  CHECK(ErrorOf("network:\n  cni_plugin_dirs: /opt/cni/bin\n") ==
        "/etc/cria/cria.yaml:2:20: network.cni_plugin_dirs: expected a list of strings");
  CHECK(ErrorOf("network:\n  cni_plugin_dirs: [bin]\n")
            .find("network.cni_plugin_dirs: \"bin\" is not an absolute path") != std::string::npos);
  Loaded loaded{c, {}};
  CHECK(Print(loaded).find("cni_config_dirs: [\"/etc/cni/net.d\", \"/srv/cni\"]") !=
        std::string::npos);
}

TEST_CASE("runtime.default_capabilities takes capability names, in any spelling") {
  Config c;
  REQUIRE(ApplyYaml("runtime:\n  default_capabilities: [chown, CAP_NET_RAW, KILL]\n", "f", c).ok());
  CHECK(c.runtime.default_capabilities == std::vector<std::string>{"chown", "CAP_NET_RAW", "KILL"});
  CHECK(ApplyYaml("runtime:\n  default_capabilities: []\n", "f", c).ok());
  CHECK(c.runtime.default_capabilities.empty());
  CHECK(ErrorOf("runtime:\n  default_capabilities: [CHOWN, FLY]\n") ==
        "/etc/cria/cria.yaml:2:25: runtime.default_capabilities: unknown capability \"FLY\"");
}

TEST_CASE("runtime.default_ulimits takes name=limits items") {
  Config c;
  CHECK(c.runtime.default_ulimits.empty());  // as CRI-O
  REQUIRE(ApplyYaml("runtime:\n  default_ulimits: [\"nofile=1024:4096\"]\n", "f", c).ok());
  CHECK(c.runtime.default_ulimits == std::vector<std::string>{"nofile=1024:4096"});
  CHECK(ErrorOf("runtime:\n  default_ulimits: [nofile]\n")
            .find("runtime.default_ulimits: \"nofile\" is not of the form key=value") !=
        std::string::npos);
}

TEST_CASE("runtime.seccomp_profile is empty or an absolute path") {
  Config c;
  CHECK(c.runtime.seccomp_profile.empty());  // the built-in profile
  REQUIRE(ApplyYaml("runtime:\n  seccomp_profile: /etc/cria/seccomp.json\n", "f", c).ok());
  CHECK(c.runtime.seccomp_profile == "/etc/cria/seccomp.json");
  CHECK(ErrorOf("runtime:\n  seccomp_profile: seccomp.json\n")
            .find("runtime.seccomp_profile: \"seccomp.json\" is not an absolute path") !=
        std::string::npos);
}

TEST_CASE("boolean keys take true or false") {
  Config c;
  CHECK_FALSE(c.runtime.privileged_without_host_devices);
  REQUIRE(ApplyYaml("runtime:\n  privileged_without_host_devices: true\n", "f", c).ok());
  CHECK(c.runtime.privileged_without_host_devices);
  REQUIRE(ApplyYaml("runtime:\n  privileged_without_host_devices: false\n", "f", c).ok());
  CHECK_FALSE(c.runtime.privileged_without_host_devices);
  CHECK(ErrorOf("runtime:\n  privileged_without_host_devices: yes\n") ==
        "/etc/cria/cria.yaml:2:36: runtime.privileged_without_host_devices: \"yes\" is not true "
        "or false");
  Loaded loaded{c, {}};
  CHECK(Print(loaded).find("privileged_without_host_devices: false") != std::string::npos);
}

TEST_CASE("runtime.default_env takes NAME=value items") {
  Config c;
  REQUIRE(ApplyYaml("runtime:\n  default_env: [\"ZONE=a\", \"EMPTY=\"]\n", "f", c).ok());
  CHECK(c.runtime.default_env == std::vector<std::string>{"ZONE=a", "EMPTY="});
  CHECK(ErrorOf("runtime:\n  default_env: [\"=a\"]\n")
            .find("runtime.default_env: \"=a\" is not of the form NAME=value") !=
        std::string::npos);
  CHECK(ErrorOf("runtime:\n  default_env: [ZONE]\n").find("is not of the form NAME=value") !=
        std::string::npos);
}

TEST_CASE("runtime.default_sysctls takes name=value items") {
  Config c;
  CHECK(c.runtime.default_sysctls.empty());  // as CRI-O
  REQUIRE(ApplyYaml("runtime:\n  default_sysctls: [\"net.ipv4.ping_group_range=0 2147483647\"]\n",
                    "f", c)
              .ok());
  CHECK(c.runtime.default_sysctls ==
        std::vector<std::string>{"net.ipv4.ping_group_range=0 2147483647"});
  CHECK(
      ErrorOf("runtime:\n  default_sysctls: [net.ipv4.ip_forward]\n")
          .find("runtime.default_sysctls: \"net.ipv4.ip_forward\" is not of the form key=value") !=
      std::string::npos);
}

TEST_CASE("a bad drop-in is named in the error and nothing is half applied") {
  TempDir dir("cria-config-test-", "/tmp");
  WriteIn(dir, "cria.d/50-bad.yaml", "runtime:\n  cgroup_driver: systemdd\n");
  auto loaded = Load({dir.path() + "/none.yaml", false, dir.path() + "/cria.d"}, {});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(loaded.status()) ==
        dir.path() +
            "/cria.d/50-bad.yaml:2:18: runtime.cgroup_driver: \"systemdd\" is not one of auto, "
            "cgroupfs, systemd");
}

TEST_CASE("bad flag values are refused naming the flag") {
  TempDir dir("cria-config-test-", "/tmp");
  Overrides flags;
  flags.log_level = "chatty";
  auto loaded = Load({dir.path() + "/none.yaml", false, ""}, flags);
  REQUIRE_FALSE(loaded.ok());
  CHECK(MessageOf(loaded.status()).find("--log-level: common.log_level:") == 0);
}

TEST_CASE("socket paths that do not fit sun_path are refused") {
  TempDir dir("cria-config-test-", "/tmp");
  Overrides flags;
  flags.run_dir = "/" + std::string(120, 'r');
  auto loaded = Load({dir.path() + "/none.yaml", false, ""}, flags);
  REQUIRE_FALSE(loaded.ok());
  CHECK(MessageOf(loaded.status()).find("over the 107-byte limit of unix sockets") !=
        std::string::npos);
}

TEST_CASE("the default file documents every key and round-trips to the defaults") {
  std::string text = DefaultFileText();
  for (const KeyDef& k : Schema()) {
    CHECK(text.find("#  " + k.name + ": ") != std::string::npos);
  }
  // Uncomment the section and key lines: the result must load and equal the defaults.
  std::istringstream in(text);
  std::string line, uncommented;
  while (std::getline(in, line)) {
    if (line.rfind("#  # ", 0) == 0 || line.rfind("# ", 0) == 0 || line == "#") continue;
    if (line.rfind("#", 0) == 0) line = line.substr(1);
    auto hash = line.find("  # no keys yet");
    if (hash != std::string::npos) line = line.substr(0, hash);
    uncommented += line + "\n";
  }
  Config c;
  Status s = ApplyYaml(uncommented, "defaults", c);
  INFO(uncommented);
  REQUIRE(s.ok());
  Loaded a{c, {}}, b{Config{}, {}};
  CHECK(Print(a) == Print(b));
}

TEST_CASE("deploy/config/cria.yaml is the generated default file") {
  std::ifstream in("deploy/config/cria.yaml");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  INFO("regenerate with: bazel run //libs/config:print_default_config > deploy/config/cria.yaml");
  CHECK(ss.str() == DefaultFileText());
}

}  // namespace
}  // namespace cria::config

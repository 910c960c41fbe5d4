#include "services/network/cni/config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "libs/testing/temp_dir.h"
#include "services/network/cni/test_util.h"

namespace cria::network::cni {
namespace {

using cria::testing::TempDir;
using testing::WriteFile;

constexpr char kConflist[] = R"({
  "cniVersion": "1.0.0",
  "name": "cria-test",
  "disableCheck": true,
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "ipam": {"type": "host-local"}},
    {"type": "portmap", "capabilities": {"portMappings": true, "ipRanges": false, "x": 1}},
    {"type": "loopback"}
  ]
})";

// The reason given for a text that is neither a list nor a plugin.
const std::string kNoPlugins = "no plugins (neither a \"plugins\" array nor a plugin \"type\")";

// The reason ParseConfigFile gives for a file holding `text` with extension `ext`.
std::string ReasonFor(const std::string& text, const std::string& ext = ".conflist") {
  TempDir dir("cria-cnitest-");
  const std::string path = dir.path() + "/10-net" + ext;
  WriteFile(path, text);
  Result<NetworkConfig> config = ParseConfigFile(path);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == StatusCode::kInvalidArgument);
  const std::string message = MessageOf(config.status());
  REQUIRE(message.rfind(path + ": ", 0) == 0);
  return message.substr(path.size() + 2);
}

TEST_CASE("ParseConfigFile reads a conflist", "[config]") {
  TempDir dir("cria-cnitest-");
  const std::string path = dir.path() + "/10-test.conflist";
  WriteFile(path, kConflist);
  Result<NetworkConfig> config = ParseConfigFile(path);
  INFO(MessageOf(config.status()));
  REQUIRE(config.ok());
  CHECK(config->file == path);
  CHECK(config->name == "cria-test");
  CHECK(config->cni_version == "1.0.0");
  CHECK(config->disable_check);
  CHECK(config->raw == kConflist);
  REQUIRE(config->plugins.size() == 3);
  CHECK(config->plugins[0].type == "bridge");
  CHECK(config->plugins[0].json ==
        R"({"type":"bridge","bridge":"cni0","ipam":{"type":"host-local"}})");
  CHECK(config->plugins[0].capabilities.empty());
  CHECK(config->plugins[1].type == "portmap");
  CHECK(config->plugins[1].capabilities == std::vector<std::string>{"portMappings"});
  CHECK(config->plugins[2].type == "loopback");
}

TEST_CASE("ParseConfigFile turns a .conf or .json into a one-plugin list", "[config]") {
  const std::string ext = GENERATE(".conf", ".json");
  TempDir dir("cria-cnitest-");
  const std::string path = dir.path() + "/10-single" + ext;
  WriteFile(path, R"({"cniVersion": "0.3.1", "name": "single", "type": "bridge",
                      "capabilities": {"portMappings": true}})");
  Result<NetworkConfig> config = ParseConfigFile(path);
  INFO(MessageOf(config.status()));
  REQUIRE(config.ok());
  CHECK(config->name == "single");
  CHECK(config->cni_version == "0.3.1");
  CHECK_FALSE(config->disable_check);
  REQUIRE(config->plugins.size() == 1);
  CHECK(config->plugins[0].type == "bridge");
  CHECK(config->plugins[0].capabilities == std::vector<std::string>{"portMappings"});
  CHECK(config->plugins[0].json.find(R"("name":"single")") != std::string::npos);
}

TEST_CASE("ParseConfigFile rejects invalid configurations with the reason", "[config]") {
  CHECK(ReasonFor("").find("empty") != std::string::npos);
  CHECK(ReasonFor("{\"name\": ").find("not valid JSON") != std::string::npos);
  CHECK(ReasonFor("[1, 2]").find("not an object") != std::string::npos);
  CHECK(ReasonFor(R"({"cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})") == "no \"name\"");
  CHECK(ReasonFor(R"({"name": 7, "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})") ==
        "\"name\" is not a string");
  CHECK(ReasonFor(R"({"name": "", "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})")
            .find("invalid network name \"\"") == 0);
  CHECK(ReasonFor(R"({"name": "-net", "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})")
            .find("invalid network name \"-net\"") == 0);
  CHECK(ReasonFor(R"({"name": "a b", "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})")
            .find("invalid network name") == 0);
  CHECK(ReasonFor(R"({"name": "net", "plugins": [{"type": "bridge"}]})") == "no \"cniVersion\"");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "one", "plugins": [{"type": "bridge"}]})") ==
        "invalid \"cniVersion\" \"one\"");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0"})") == kNoPlugins);
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "plugins": []})") == "no plugins");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "plugins": {}})") ==
        "\"plugins\" is not an array");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "plugins": ["bridge"]})") ==
        "plugins[0] is not a JSON object");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0",
                      "plugins": [{"type": "bridge"}, {"bridge": "x"}]})") ==
        "plugins[1] has no \"type\"");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "plugins": [{"type": ""}]})") ==
        "plugins[0]: \"type\" is empty");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "plugins": [{"type": 3}]})") ==
        "plugins[0]: \"type\" is not a string");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0",
                      "plugins": [{"type": "../../bin/sh"}]})") ==
        "plugins[0]: \"type\" \"../../bin/sh\" is not a plain file name");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0",
                      "plugins": [{"type": "portmap", "capabilities": ["portMappings"]}]})") ==
        "plugins[0] (portmap): \"capabilities\" is not an object");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "disableCheck": "yes",
                      "plugins": [{"type": "bridge"}]})") == "\"disableCheck\" is not a boolean");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0"})", ".conf") == kNoPlugins);
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "type": ""})", ".conf") ==
        "the plugin: \"type\" is empty");
  CHECK(ReasonFor(R"({"name": "net", "cniVersion": "1.0.0", "type": "bridge",
                      "capabilities": true})",
                  ".conf") == "the plugin (bridge): \"capabilities\" is not an object");
}

std::string ValidList(const std::string& name);

// The parts of a NetworkConfig that ParseConfigText and ParseConfigFile must agree on.
void CheckSameConfig(const NetworkConfig& a, const NetworkConfig& b) {
  CHECK(a.file == b.file);
  CHECK(a.name == b.name);
  CHECK(a.cni_version == b.cni_version);
  CHECK(a.raw == b.raw);
  CHECK(a.disable_check == b.disable_check);
  REQUIRE(a.plugins.size() == b.plugins.size());
  for (size_t i = 0; i < a.plugins.size(); ++i) {
    CHECK(a.plugins[i].type == b.plugins[i].type);
    CHECK(a.plugins[i].json == b.plugins[i].json);
    CHECK(a.plugins[i].capabilities == b.plugins[i].capabilities);
  }
}

TEST_CASE("ParseConfigText parses text as ParseConfigFile parses the file", "[config]") {
  TempDir dir("cria-cnitest-");
  const std::string path = dir.path() + "/10-test.conflist";
  WriteFile(path, kConflist);
  Result<NetworkConfig> from_file = ParseConfigFile(path);
  REQUIRE(from_file.ok());
  Result<NetworkConfig> from_text = ParseConfigText(kConflist, path);
  INFO(MessageOf(from_text.status()));
  REQUIRE(from_text.ok());
  CheckSameConfig(*from_text, *from_file);
  CHECK(from_text->file == path);
  CHECK(from_text->raw == kConflist);

  // What the daemon does for DEL after a restart: the stored text, re-parsed after the file
  // changed or went away, gives the configuration ADD used.
  WriteFile(path, ValidList("changed"));
  std::filesystem::remove(path);
  Result<NetworkConfig> again = ParseConfigText(from_file->raw, from_file->file);
  REQUIRE(again.ok());
  CheckSameConfig(*again, *from_file);
}

TEST_CASE("ParseConfigText decides list or single plugin by content", "[config]") {
  const std::string single = R"({"cniVersion": "0.4.0", "name": "single", "type": "ptp",
                                 "capabilities": {"portMappings": true}})";
  const std::string list = ValidList("list");
  const std::string origin = GENERATE("10-net.conflist", "10-net.conf", "10-net.json",
                                      "/var/lib/cria/network/pod-record", "");

  Result<NetworkConfig> plugin = ParseConfigText(single, origin);
  INFO(origin << ": " << MessageOf(plugin.status()));
  REQUIRE(plugin.ok());
  CHECK(plugin->file == origin);
  CHECK(plugin->name == "single");
  CHECK(plugin->raw == single);
  REQUIRE(plugin->plugins.size() == 1);
  CHECK(plugin->plugins[0].type == "ptp");
  CHECK(plugin->plugins[0].capabilities == std::vector<std::string>{"portMappings"});
  CHECK(plugin->plugins[0].json.find(R"("name":"single")") != std::string::npos);

  Result<NetworkConfig> conflist = ParseConfigText(list, origin);
  INFO(MessageOf(conflist.status()));
  REQUIRE(conflist.ok());
  CHECK(conflist->name == "list");
  REQUIRE(conflist->plugins.size() == 1);
  CHECK(conflist->plugins[0].type == "bridge");
  CHECK(conflist->plugins[0].json == R"({"type":"bridge"})");

  // A "plugins" array makes a list even next to a top-level "type".
  Result<NetworkConfig> both = ParseConfigText(
      R"({"cniVersion": "1.0.0", "name": "both", "type": "ptp", "disableCheck": true,
          "plugins": [{"type": "bridge"}, {"type": "portmap"}]})",
      origin);
  REQUIRE(both.ok());
  CHECK(both->disable_check);
  REQUIRE(both->plugins.size() == 2);
  CHECK(both->plugins[0].type == "bridge");
  CHECK(both->plugins[1].type == "portmap");
}

TEST_CASE("ParseConfigText errors start with the origin", "[config]") {
  const auto reason = [](const std::string& text) {
    Result<NetworkConfig> config = ParseConfigText(text, "stored.conflist");
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == StatusCode::kInvalidArgument);
    const std::string message = MessageOf(config.status());
    REQUIRE(message.rfind("stored.conflist: ", 0) == 0);
    return message.substr(std::string("stored.conflist: ").size());
  };
  CHECK(reason("").find("empty") != std::string::npos);
  CHECK(reason("{").find("not valid JSON") != std::string::npos);
  CHECK(reason(R"({"name": "net", "cniVersion": "1.0.0"})") == kNoPlugins);
  CHECK(reason(R"({"name": "net", "cniVersion": "1.0.0", "type": "bridge", "plugins": []})") ==
        "no plugins");
  CHECK(reason(R"({"name": "net", "cniVersion": "1.0.0", "plugins": {}})") ==
        "\"plugins\" is not an array");
  CHECK(reason(R"({"name": "net", "cniVersion": "1.0.0", "type": "a/b"})") ==
        "the plugin: \"type\" \"a/b\" is not a plain file name");
  CHECK(reason(R"({"cniVersion": "1.0.0", "type": "bridge"})") == "no \"name\"");
}

TEST_CASE("ParseConfigFile reports a missing file", "[config]") {
  TempDir dir("cria-cnitest-");
  Result<NetworkConfig> config = ParseConfigFile(dir.path() + "/none.conflist");
  REQUIRE(config.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(config.status()).find(dir.path() + "/none.conflist") == 0);
}

TEST_CASE("ParseCniVersion accepts 1 to 3 numbers", "[config]") {
  CHECK(ParseCniVersion("1.0.0") == CniVersion{1, 0, 0});
  CHECK(ParseCniVersion("0.3") == CniVersion{0, 3, 0});
  CHECK(ParseCniVersion("0.4.0") >= CniVersion{0, 4, 0});
  CHECK(ParseCniVersion("0.3.1") < CniVersion{0, 4, 0});
  CHECK_FALSE(ParseCniVersion(""));
  CHECK_FALSE(ParseCniVersion("1.0.0.0"));
  CHECK_FALSE(ParseCniVersion("1..0"));
  CHECK_FALSE(ParseCniVersion("1.0."));
  CHECK_FALSE(ParseCniVersion("v1.0.0"));
  CHECK_FALSE(ParseCniVersion("1.-1.0"));
}

std::string ValidList(const std::string& name) {
  return R"({"cniVersion": "1.0.0", "name": ")" + name + R"(", "plugins": [{"type": "bridge"}]})";
}

TEST_CASE("LoadConfigDir loads every config file sorted by name across dirs", "[config]") {
  TempDir first("cria-cnitest-");
  TempDir second("cria-cnitest-");
  WriteFile(second.path() + "/05-early.conf", R"({"cniVersion": "0.4.0", "name": "early",
                                          "type": "bridge"})");
  WriteFile(first.path() + "/10-main.conflist", ValidList("main"));
  WriteFile(second.path() + "/10-main.conflist", ValidList("shadow"));  // same name: after first's
  WriteFile(first.path() + "/20-bad.conflist", R"({"cniVersion": "1.0.0", "name": "bad"})");
  WriteFile(second.path() + "/30-other.json", R"({"cniVersion": "1.0.0", "name": "other",
                                          "type": "ptp"})");
  WriteFile(first.path() + "/40-ignored.txt", ValidList("ignored"));
  std::filesystem::create_directory(first.path() + "/50-dir.conflist");

  const LoadedNetworks loaded =
      LoadConfigDir({first.path(), second.path(), first.path() + "/missing"});
  std::vector<std::string> names;
  for (const NetworkConfig& network : loaded.valid) names.push_back(network.name);
  CHECK(names == std::vector<std::string>{"early", "main", "shadow", "other"});
  CHECK(loaded.valid[1].file == first.path() + "/10-main.conflist");
  REQUIRE(loaded.invalid.size() == 1);
  CHECK(loaded.invalid[0].first == first.path() + "/20-bad.conflist");
  CHECK(loaded.invalid[0].second == kNoPlugins);
}

TEST_CASE("PickNetwork picks the first valid or the named network", "[config]") {
  TempDir dir("cria-cnitest-");
  WriteFile(dir.path() + "/10-bad.conflist", R"({"cniVersion": "1.0.0", "name": "bad"})");
  WriteFile(dir.path() + "/20-a.conflist", ValidList("a"));
  WriteFile(dir.path() + "/30-b.conflist", ValidList("b"));
  const LoadedNetworks loaded = LoadConfigDir({dir.path()});

  Result<NetworkConfig> first = PickNetwork(loaded, "");
  REQUIRE(first.ok());
  CHECK(first->name == "a");
  Result<NetworkConfig> b = PickNetwork(loaded, "b");
  REQUIRE(b.ok());
  CHECK(b->file == dir.path() + "/30-b.conflist");

  Result<NetworkConfig> missing = PickNetwork(loaded, "c");
  REQUIRE(missing.status().code() == StatusCode::kNotFound);
  CHECK(MessageOf(missing.status()) ==
        "CNI network \"c\" not found in " + dir.path() +
            " (valid networks: a (20-a.conflist), b (30-b.conflist); invalid: 10-bad.conflist: " +
            kNoPlugins + ")");
}

TEST_CASE("PickNetwork explains why there is no network", "[config]") {
  TempDir dir("cria-cnitest-");
  const LoadedNetworks empty = LoadConfigDir({dir.path(), dir.path() + "/missing"});
  Result<NetworkConfig> none = PickNetwork(empty, "");
  REQUIRE(none.status().code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(none.status()) ==
        "no CNI network configuration file (*.conflist, *.conf, *.json) in " + dir.path() + ", " +
            dir.path() + "/missing");

  WriteFile(dir.path() + "/10-bad.conflist", R"({"cniVersion": "1.0.0", "name": "bad"})");
  WriteFile(dir.path() + "/20-worse.conf", "{");
  const LoadedNetworks loaded = LoadConfigDir({dir.path()});
  Result<NetworkConfig> invalid = PickNetwork(loaded, "bad");
  REQUIRE(invalid.status().code() == StatusCode::kFailedPrecondition);
  const std::string message = MessageOf(invalid.status());
  CHECK(message.rfind("no valid CNI network configuration in " + dir.path() +
                          ": 10-bad.conflist: " + kNoPlugins + "; 20-worse.conf: not valid JSON",
                      0) == 0);
}

TEST_CASE("CheckPluginsPresent names the missing plugin types and the dirs", "[config]") {
  TempDir dir("cria-cnitest-");
  const std::string path = dir.path() + "/10-net.conflist";
  WriteFile(path, R"({"cniVersion": "1.0.0", "name": "net", "plugins": [
      {"type": "bridge"}, {"type": "cria-no-such-plugin"}, {"type": "loopback"},
      {"type": "cria-not-executable"}]})");
  WriteFile(dir.path() + "/cria-not-executable", "#!/bin/sh\n", 0644);
  Result<NetworkConfig> config = ParseConfigFile(path);
  REQUIRE(config.ok());

  NetworkConfig present = *config;
  present.plugins.resize(1);
  CHECK(CheckPluginsPresent(present, {"/usr/lib/cni"}).ok());
  CHECK(CheckPluginsPresent(present, {dir.path(), "/usr/lib/cni"}).ok());

  const Status status = CheckPluginsPresent(*config, {"/usr/lib/cni", dir.path()});
  REQUIRE(status.code() == StatusCode::kNotFound);
  const std::string dirs = "/usr/lib/cni, " + dir.path();
  CHECK(MessageOf(status) == "CNI network \"net\" (" + path +
                                 "): CNI plugin cria-no-such-plugin not found in " + dirs +
                                 "; CNI plugin cria-not-executable not found in " + dirs +
                                 " (not executable: " + dir.path() + "/cria-not-executable" + ")");
}

}  // namespace
}  // namespace cria::network::cni

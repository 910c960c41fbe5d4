// CNI network configuration files: parsing one file, loading the config directories, picking
// the network to use and checking that its plugins are installed.
//
// A network list (usually a `.conflist`) holds {"name", "cniVersion", "disableCheck"?,
// "plugins": [...]}; a single plugin (usually a `.conf` or `.json`) is one plugin object with its
// own "name" and "cniVersion" and becomes a one-plugin list, as libcni's ConfListFromConf does.
// Which of the two a text is is decided by its content, not by the file name.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::cni {

// The largest configuration file read; real ones are a few KiB.
inline constexpr size_t kMaxConfigFileBytes = 1 << 20;

struct PluginConf {
  // The plugin binary's name, e.g. "bridge"; never empty, never holds '/'.
  std::string type;
  // The plugin's object from the file, as compact JSON.
  std::string json;
  // The names whose value is true in the plugin's "capabilities" object, in file order.
  std::vector<std::string> capabilities;
};

struct NetworkConfig {
  std::string file;  // the path it was read from (the `origin` given to ParseConfigText)
  std::string name;
  std::string cni_version;
  std::vector<PluginConf> plugins;  // at least one
  std::string raw;                  // the text parsed, byte for byte
  bool disable_check = false;       // the list's "disableCheck"
};

// A "cniVersion" value: 1 to 3 dot-separated numbers ("1.0.0", "0.4.0", "0.3"), missing parts 0.
struct CniVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const CniVersion&) const = default;
};

// The version `text` names, or nullopt when it is not of the form above.
std::optional<CniVersion> ParseCniVersion(std::string_view text);

// Parses and validates the text of one configuration file. The kind is decided by content: an
// object with a "plugins" array is a list; otherwise one with a "type" is a single plugin.
// Checks: a JSON object; "name" matching [a-zA-Z0-9][a-zA-Z0-9_.-]*; "cniVersion" a string of 1
// to 3 dot-separated numbers; at least one plugin; each plugin an object with a non-empty string
// "type" without '/', and "capabilities", when present, an object. `origin` (a file name) is
// stored in NetworkConfig::file and starts every error: InvalidArgument "<origin>: <reason>".
// The network daemon re-parses the text it stored at ADD with this for DEL, so that DEL uses the
// same configuration even if the config directory changed since.
Result<NetworkConfig> ParseConfigText(const std::string& text, const std::string& origin);

// Reads the file at `path` (at most kMaxConfigFileBytes) and returns ParseConfigText(text, path).
// A read error keeps its own code, as "<path>: <reason>".
Result<NetworkConfig> ParseConfigFile(const std::string& path);

struct LoadedNetworks {
  std::vector<std::string> dirs;  // the directories searched, for messages
  std::vector<NetworkConfig> valid;
  // (file path, reason) for each file that failed to parse, or directory that failed to list.
  std::vector<std::pair<std::string, std::string>> invalid;
};

// Every regular file (or symlink to one) named *.conflist, *.conf or *.json in `dirs`,
// parsed in order of file name across all dirs (a tie goes to the earlier dir). A missing dir
// is skipped, as libcni does; one that cannot be listed is reported in `invalid`.
LoadedNetworks LoadConfigDir(const std::vector<std::string>& dirs);

// The network named `wanted_name` (the first of that name), or the first valid one when
// `wanted_name` is empty. FailedPrecondition when there is no valid network at all ("no valid
// CNI network configuration in /etc/cni/net.d: 10-bad.conflist: no plugins"); NotFound when
// the wanted name is not among the valid ones (naming those that were found and the invalid
// files).
Result<NetworkConfig> PickNetwork(const LoadedNetworks& loaded, const std::string& wanted_name);

// OK when every plugin type of `network` is an executable file in one of `plugin_dirs`;
// otherwise NotFound naming each missing type, the network and the dirs searched.
Status CheckPluginsPresent(const NetworkConfig& network,
                           const std::vector<std::string>& plugin_dirs);

}  // namespace cria::network::cni

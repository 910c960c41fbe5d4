// The table of every configuration key: section, name, type, documentation, and how to
// parse, validate, store and print it. Adding a key is one entry in schema.cc.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/config/config.h"
#include "libs/status/status.h"

namespace cria::config {

struct KeyDef {
  std::string section;  // "gateway"
  std::string name;     // "cri_socket_mode"
  std::string type;     // "file mode", shown in the default file
  std::string doc;      // comment lines for the default file, '\n'-separated
  // Parses `text` (a YAML scalar), validates it and stores it; the error says why.
  // Unset for list keys.
  std::function<Status(std::string_view text, Config& config)> set;
  // For list keys (a YAML sequence of scalars): validates and stores all items.
  std::function<Status(const std::vector<std::string>& items, Config& config)> set_list;
  // The value as YAML (strings quoted, lists in flow style).
  std::function<std::string(const Config& config)> get;

  bool IsList() const { return static_cast<bool>(set_list); }

  std::string Path() const { return section + "." + name; }
};

// Sections in the order files print them: common, gateway, image, storage, network,
// runtime.
const std::vector<std::string>& Sections();
const std::vector<KeyDef>& Schema();
// nullptr when the key does not exist.
const KeyDef* FindKey(std::string_view section, std::string_view name);

// "x" → "\"x\"" with YAML double-quote escaping.
std::string QuoteYaml(std::string_view s);

}  // namespace cria::config

// Loads the effective configuration: embedded defaults, then the main file, then the
// drop-ins in lexical order, then command-line overrides. Any unknown section or key,
// wrong type or bad value is refused with "<file>:<line>:<column>: <section.key>: <reason>".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/config/config.h"
#include "libs/status/status.h"

namespace cria::config {

inline constexpr char kDefaultFile[] = "/etc/cria/cria.yaml";
inline constexpr char kDefaultDropInDir[] = "/etc/cria/cria.d";

struct Sources {
  std::string file = kDefaultFile;
  // A file the operator named (--config) must exist; the default one may be absent.
  bool file_required = false;
  // Every *.yaml and *.yml in it, in lexical order; absent is fine.
  std::string drop_in_dir = kDefaultDropInDir;
};

struct Overrides {
  std::optional<std::string> state_dir;
  std::optional<std::string> run_dir;
  std::optional<std::string> log_level;
};

struct Loaded {
  Config config;
  std::vector<std::string> files;  // the files that were read, in order
};

Result<Loaded> Load(const Sources& sources, const Overrides& overrides);

// Applies one YAML document to `config`; `origin` names it in errors. Exposed for tests.
Status ApplyYaml(std::string_view yaml, std::string_view origin, Config& config);

// Cross-key checks after everything is merged (e.g. socket paths fit sun_path).
Status Validate(const Config& config);

// The effective configuration as YAML, every key, with the files it came from.
std::string Print(const Loaded& loaded);

// The default file shipped in deploy/config/cria.yaml: every key commented out with its
// documentation, type and default.
std::string DefaultFileText();

}  // namespace cria::config

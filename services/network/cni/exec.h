// Running one CNI plugin binary once: finding it, building its environment, feeding its
// config on stdin and turning its output or CNI error JSON into a Result.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"

namespace cria::network::cni {

struct PluginCall {
  std::string command;       // ADD, DEL, CHECK, VERSION, GC or STATUS
  std::string container_id;  // CNI_CONTAINERID
  std::string netns;         // CNI_NETNS; empty is passed as empty
  std::string ifname;        // CNI_IFNAME
  // CNI_ARGS, passed as "K=V;K=V". Keys may not hold '=' or ';', values not ';'.
  std::vector<std::pair<std::string, std::string>> args;
  std::vector<std::string> plugin_dirs;  // searched in order; also CNI_PATH
  std::chrono::milliseconds timeout{0};  // 0: none
};

// The first regular, executable file named `type` in `plugin_dirs`. InvalidArgument for an
// empty type or one holding '/'; NotFound naming the type and the dirs searched (and any
// candidate that is not executable).
Result<std::string> FindPlugin(const std::string& type,
                               const std::vector<std::string>& plugin_dirs);

// Runs plugin `type` without a shell, with an environment of exactly CNI_COMMAND,
// CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH (the dirs joined by ':') and the
// daemon's PATH (so plugins can run iptables), and `stdin_json` on stdin.
//
// Exit 0: the plugin's stdout. Non-zero exit: the CNI error JSON on stdout becomes
// "CNI plugin <type> <command> failed: <msg>: <details> (code N)", with a code chosen from
// the CNI code (1, 2, 7 → FailedPrecondition; 3 → NotFound; 11 → Unavailable; others →
// Internal); when stdout is not such JSON, the exit status and stderr (or stdout) text are
// reported as Internal. Timeout: DeadlineExceeded "CNI plugin <type> <command> timed out after
// Nms", after the plugin's whole process group was killed.
Result<std::string> InvokePlugin(const std::string& type, const std::string& stdin_json,
                                 const PluginCall& call);

}  // namespace cria::network::cni

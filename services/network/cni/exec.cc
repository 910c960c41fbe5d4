#include "services/network/cni/exec.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "libs/process/process.h"
#include "libs/records/json_object.h"
#include "rapidjson/document.h"

namespace cria::network::cni {
namespace {

// Used when the daemon itself has no PATH, so plugins can still find iptables.
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Plugin output quoted in an error message is cut to this many bytes.
constexpr size_t kMaxQuotedOutput = 4096;

std::string Trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  std::string trimmed(text.substr(begin, end - begin + 1));
  if (trimmed.size() > kMaxQuotedOutput) {
    trimmed.resize(kMaxQuotedOutput);
    trimmed += "…";
  }
  return trimmed;
}

Result<std::string> FormatCniArgs(const std::vector<std::pair<std::string, std::string>>& args) {
  std::string joined;
  for (const auto& [key, value] : args) {
    if (key.empty() || key.find_first_of("=;") != std::string::npos ||
        value.find(';') != std::string::npos) {
      return Status(StatusCode::kInvalidArgument, "CNI_ARGS entry \"" + key + "=" + value +
                                                      "\" holds '=' or ';' where not allowed");
    }
    if (!joined.empty()) joined += ';';
    joined += key + "=" + value;
  }
  return joined;
}

// The Status code for a CNI error code (spec 1.0, "Error codes").
StatusCode CodeForCniError(int code) {
  switch (code) {
    case 1:  // incompatible CNI version
    case 2:  // unsupported field in network configuration
    case 7:  // invalid network configuration
      return StatusCode::kFailedPrecondition;
    case 3:  // container unknown or does not exist
      return StatusCode::kNotFound;
    case 11:  // try again later
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

// The Status for a plugin that exited non-zero or was killed.
Status FailureStatus(const std::string& what, const process::Outcome& outcome) {
  if (Result<rapidjson::Document> doc = records::ParseJsonObject(outcome.out); doc.ok()) {
    const auto code = doc->FindMember("code");
    const auto msg = doc->FindMember("msg");
    if (code != doc->MemberEnd() && code->value.IsInt() && msg != doc->MemberEnd() &&
        msg->value.IsString()) {
      std::string message = what + " failed: " + msg->value.GetString();
      if (const auto details = doc->FindMember("details"); details != doc->MemberEnd() &&
                                                           details->value.IsString() &&
                                                           details->value.GetStringLength() > 0) {
        message += ": " + std::string(details->value.GetString());
      }
      message += " (code " + std::to_string(code->value.GetInt()) + ")";
      return Status(CodeForCniError(code->value.GetInt()), message);
    }
  }
  std::string message = what + " failed: " + outcome.Describe();
  if (std::string err = Trimmed(outcome.err); !err.empty()) {
    message += ": " + err;
  } else if (std::string out = Trimmed(outcome.out); !out.empty()) {
    message += ": " + out;
  }
  return Status(StatusCode::kInternal, message);
}

}  // namespace

Result<std::string> FindPlugin(const std::string& type,
                               const std::vector<std::string>& plugin_dirs) {
  if (type.empty() || type.find('/') != std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "CNI plugin type \"" + type + "\" is not a plain file name");
  }
  std::vector<std::string> not_executable;
  for (const std::string& dir : plugin_dirs) {
    if (dir.empty()) continue;
    const std::string path = dir + "/" + type;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (access(path.c_str(), X_OK) == 0) return path;
    not_executable.push_back(path);
  }
  std::string message =
      "CNI plugin " + type + " not found in " +
      (plugin_dirs.empty() ? "(no plugin dirs)" : absl::StrJoin(plugin_dirs, ", "));
  if (!not_executable.empty()) {
    message += " (not executable: " + absl::StrJoin(not_executable, ", ") + ")";
  }
  return Status(StatusCode::kNotFound, message);
}

Result<std::string> InvokePlugin(const std::string& type, const std::string& stdin_json,
                                 const PluginCall& call) {
  const std::string what = "CNI plugin " + type + " " + call.command;
  CRIA_ASSIGN_OR_RETURN(std::string path, FindPlugin(type, call.plugin_dirs), "");
  CRIA_ASSIGN_OR_RETURN(std::string cni_args, FormatCniArgs(call.args), what);

  process::Command cmd;
  cmd.argv = {path};
  const char* daemon_path = std::getenv("PATH");
  cmd.env = std::vector<std::string>{
      "CNI_COMMAND=" + call.command,
      "CNI_CONTAINERID=" + call.container_id,
      "CNI_NETNS=" + call.netns,
      "CNI_IFNAME=" + call.ifname,
      "CNI_ARGS=" + cni_args,
      "CNI_PATH=" + absl::StrJoin(call.plugin_dirs, ":"),
      std::string("PATH=") + (daemon_path != nullptr ? daemon_path : kDefaultPath),
  };
  cmd.stdin_data = stdin_json;
  cmd.timeout = call.timeout;

  CRIA_ASSIGN_OR_RETURN(process::Outcome outcome, process::Run(cmd), what + " (" + path + ")");
  if (outcome.timed_out) {
    return Status(StatusCode::kDeadlineExceeded,
                  what + " timed out after " + std::to_string(outcome.timeout.count()) + "ms");
  }
  if (!outcome.Succeeded()) return FailureStatus(what, outcome);
  if (outcome.stdout_truncated) {
    return Status(StatusCode::kInternal, what + " wrote more output than the limit of " +
                                             std::to_string(cmd.output_limit) + " bytes");
  }
  return std::move(outcome.out);
}

}  // namespace cria::network::cni

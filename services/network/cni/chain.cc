#include "services/network/cni/chain.h"

#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "libs/records/json_object.h"
#include "rapidjson/document.h"
#include "services/network/cni/exec.h"

namespace cria::network::cni {
namespace {

constexpr CniVersion kFirstWithCheck{0, 4, 0};  // CHECK and DEL's prevResult came in 0.4.0

// Sets `name` in `object` to `value`, replacing any member of that name.
void SetMember(rapidjson::Document& doc, const char* name, rapidjson::Value value) {
  if (auto member = doc.FindMember(name); member != doc.MemberEnd()) {
    member->value = std::move(value);
    return;
  }
  doc.AddMember(rapidjson::Value(name, doc.GetAllocator()), std::move(value), doc.GetAllocator());
}

rapidjson::Value StringValue(const std::string& text, rapidjson::Document& doc) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()),
                          doc.GetAllocator());
}

// "add container c1 to CNI network "mynet" (/etc/cni/net.d/10-mynet.conflist)"
std::string Describe(const char* verb, const RuntimeConf& rt, const char* preposition,
                     const NetworkConfig& network) {
  return std::string(verb) + " container " + rt.container_id + " " + preposition +
         " CNI network \"" + network.name + "\" (" + network.file + ")";
}

PluginCall MakeCall(const char* command, const RuntimeConf& rt,
                    const std::vector<std::string>& plugin_dirs,
                    std::chrono::milliseconds timeout) {
  PluginCall call;
  call.command = command;
  call.container_id = rt.container_id;
  call.netns = rt.netns;
  call.ifname = rt.ifname;
  call.args = rt.args;
  call.plugin_dirs = plugin_dirs;
  call.timeout = timeout;
  return call;
}

Status CheckRuntimeConf(const RuntimeConf& rt, bool needs_netns) {
  if (rt.container_id.empty()) {
    return Status(StatusCode::kInvalidArgument, "no container id given");
  }
  if (rt.ifname.empty()) return Status(StatusCode::kInvalidArgument, "no interface name given");
  if (needs_netns && rt.netns.empty()) {
    return Status(StatusCode::kInvalidArgument, "no netns path given");
  }
  return OkStatus();
}

bool AtLeast(const NetworkConfig& network, const CniVersion& version) {
  const std::optional<CniVersion> parsed = ParseCniVersion(network.cni_version);
  return parsed.has_value() && *parsed >= version;
}

}  // namespace

Result<std::string> BuildPluginConfig(const NetworkConfig& network, const PluginConf& plugin,
                                      const std::string& capabilities_json,
                                      const std::optional<std::string>& prev_result) {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(plugin.json),
                        "the config of plugin " + plugin.type);
  SetMember(doc, "name", StringValue(network.name, doc));
  SetMember(doc, "cniVersion", StringValue(network.cni_version, doc));

  if (!capabilities_json.empty() && !plugin.capabilities.empty()) {
    CRIA_ASSIGN_OR_RETURN(rapidjson::Document supplied, records::ParseJsonObject(capabilities_json),
                          "the runtime capabilities");
    rapidjson::Value runtime_config(rapidjson::kObjectType);
    for (const std::string& name : plugin.capabilities) {
      const auto value = supplied.FindMember(name.c_str());
      if (value == supplied.MemberEnd()) continue;
      runtime_config.AddMember(StringValue(name, doc),
                               rapidjson::Value(value->value, doc.GetAllocator()),
                               doc.GetAllocator());
    }
    if (runtime_config.MemberCount() > 0) {
      SetMember(doc, "runtimeConfig", std::move(runtime_config));
    }
  }
  if (prev_result.has_value()) {
    CRIA_ASSIGN_OR_RETURN(rapidjson::Document prev, records::ParseJsonObject(*prev_result),
                          "the previous result");
    SetMember(doc, "prevResult", rapidjson::Value(prev, doc.GetAllocator()));
  }
  CRIA_ASSIGN_OR_RETURN(std::string json, records::SerializeJsonObject(doc),
                        "the config of plugin " + plugin.type);
  return json;
}

Result<std::string> AddNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                               const std::vector<std::string>& plugin_dirs,
                               std::chrono::milliseconds timeout) {
  const std::string what = Describe("add", rt, "to", network);
  CRIA_RETURN_IF_ERROR(CheckRuntimeConf(rt, /*needs_netns=*/true), what);
  const PluginCall call = MakeCall("ADD", rt, plugin_dirs, timeout);
  std::optional<std::string> prev_result;
  for (const PluginConf& plugin : network.plugins) {
    CRIA_ASSIGN_OR_RETURN(std::string config,
                          BuildPluginConfig(network, plugin, rt.capabilities_json, prev_result),
                          what);
    CRIA_ASSIGN_OR_RETURN(std::string result, InvokePlugin(plugin.type, config, call), what);
    if (Status valid = records::ParseJsonObject(result).status(); !valid.ok()) {
      return Status(StatusCode::kInternal, what + ": CNI plugin " + plugin.type +
                                               " ADD printed no valid result: " + MessageOf(valid));
    }
    prev_result = std::move(result);
  }
  return *std::move(prev_result);
}

Status DelNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                  const std::optional<std::string>& cached_result,
                  const std::vector<std::string>& plugin_dirs, std::chrono::milliseconds timeout) {
  const std::string what = Describe("remove", rt, "from", network);
  CRIA_RETURN_IF_ERROR(CheckRuntimeConf(rt, /*needs_netns=*/false), what);
  PluginCall call = MakeCall("DEL", rt, plugin_dirs, timeout);
  if (struct stat st; !call.netns.empty() && stat(call.netns.c_str(), &st) != 0 &&
                      (errno == ENOENT || errno == ENOTDIR)) {
    call.netns.clear();
  }
  std::optional<std::string> prev_result;
  // A damaged cached result must not stop DEL from releasing what it can: plugins accept a
  // DEL without prevResult.
  if (AtLeast(network, kFirstWithCheck) && cached_result.has_value() &&
      records::ParseJsonObject(*cached_result).ok()) {
    prev_result = cached_result;
  }

  Status first;
  std::string messages;
  for (auto plugin = network.plugins.rbegin(); plugin != network.plugins.rend(); ++plugin) {
    Status status;
    Result<std::string> config =
        BuildPluginConfig(network, *plugin, rt.capabilities_json, prev_result);
    if (config.ok()) {
      status = InvokePlugin(plugin->type, *config, call).status();
    } else {
      status = config.status();
    }
    if (status.ok()) continue;
    if (first.ok()) first = status;
    if (!messages.empty()) messages += "; ";
    messages += MessageOf(status);
  }
  if (first.ok()) return first;
  return Status(first.code(), what + ": " + messages);
}

Status CheckNetwork(const NetworkConfig& network, const RuntimeConf& rt,
                    const std::optional<std::string>& cached_result,
                    const std::vector<std::string>& plugin_dirs,
                    std::chrono::milliseconds timeout) {
  if (network.disable_check || !AtLeast(network, kFirstWithCheck)) return OkStatus();
  const std::string what = Describe("check", rt, "in", network);
  CRIA_RETURN_IF_ERROR(CheckRuntimeConf(rt, /*needs_netns=*/true), what);
  if (!cached_result.has_value()) {
    return Status(StatusCode::kFailedPrecondition,
                  what + ": no cached ADD result to check against");
  }
  const PluginCall call = MakeCall("CHECK", rt, plugin_dirs, timeout);
  for (const PluginConf& plugin : network.plugins) {
    CRIA_ASSIGN_OR_RETURN(std::string config,
                          BuildPluginConfig(network, plugin, rt.capabilities_json, cached_result),
                          what);
    CRIA_RETURN_IF_ERROR(InvokePlugin(plugin.type, config, call).status(), what);
  }
  return OkStatus();
}

}  // namespace cria::network::cni

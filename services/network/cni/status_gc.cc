#include "services/network/cni/status_gc.h"

#include <rapidjson/document.h>

#include "libs/records/json_object.h"
#include "services/network/cni/chain.h"
#include "services/network/cni/exec.h"

namespace cria::network::cni {
namespace {

PluginCall NetworkWideCall(const std::string& command, const std::vector<std::string>& dirs,
                           std::chrono::milliseconds timeout) {
  PluginCall call;
  call.command = command;
  call.plugin_dirs = dirs;
  call.timeout = timeout;
  return call;
}

Result<std::string> GcConfig(const NetworkConfig& network, const PluginConf& plugin,
                             const std::vector<Attachment>& valid) {
  CRIA_ASSIGN_OR_RETURN(std::string base, BuildPluginConfig(network, plugin, "", std::nullopt), "");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(base), "");
  auto& alloc = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Attachment& a : valid) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("containerID", rapidjson::Value(a.container_id.c_str(), alloc), alloc);
    item.AddMember("ifname", rapidjson::Value(a.ifname.c_str(), alloc), alloc);
    list.PushBack(item, alloc);
  }
  doc.AddMember("cni.dev/valid-attachments", list, alloc);
  return records::SerializeJsonObject(doc);
}

}  // namespace

bool SupportsStatusAndGc(const NetworkConfig& network) {
  std::optional<CniVersion> v = ParseCniVersion(network.cni_version);
  return v.has_value() && *v >= CniVersion{1, 1, 0};
}

Status StatusNetwork(const NetworkConfig& network, const std::vector<std::string>& plugin_dirs,
                     std::chrono::milliseconds timeout) {
  if (!SupportsStatusAndGc(network)) return OkStatus();
  PluginCall call = NetworkWideCall("STATUS", plugin_dirs, timeout);
  for (const PluginConf& plugin : network.plugins) {
    CRIA_ASSIGN_OR_RETURN(std::string conf, BuildPluginConfig(network, plugin, "", std::nullopt),
                          "network " + network.name);
    Result<std::string> out = InvokePlugin(plugin.type, conf, call);
    if (!out.ok()) return Annotate(out.status(), "network " + network.name);
  }
  return OkStatus();
}

Status GcNetwork(const NetworkConfig& network, const std::vector<Attachment>& valid,
                 const std::vector<std::string>& plugin_dirs, std::chrono::milliseconds timeout) {
  if (!SupportsStatusAndGc(network)) return OkStatus();
  PluginCall call = NetworkWideCall("GC", plugin_dirs, timeout);
  Status first = OkStatus();
  for (const PluginConf& plugin : network.plugins) {
    Result<std::string> conf = GcConfig(network, plugin, valid);
    Status s = conf.ok() ? InvokePlugin(plugin.type, *conf, call).status() : conf.status();
    if (!s.ok() && first.ok()) first = Annotate(s, "GC of network " + network.name);
  }
  return first;
}

}  // namespace cria::network::cni

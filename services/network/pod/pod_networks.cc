#include "services/network/pod/pod_networks.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "libs/ids/object_id.h"
#include "libs/log/log.h"
#include "libs/records/atomic_file.h"
#include "libs/undo/undo_stack.h"
#include "services/network/cni/chain.h"
#include "services/network/cni/config.h"
#include "services/network/cni/result.h"
#include "services/network/cni/status_gc.h"
#include "services/network/netns/netns.h"

namespace cria::network::pod {
namespace {

constexpr char kTemplateOutput[] = "10-cria-template.conflist";

Status Invalid(const std::string& message) { return Status(StatusCode::kInvalidArgument, message); }

cni::RuntimeConf RuntimeConfOf(const state::PodRecord& record, const std::string& netns) {
  cni::RuntimeConf conf;
  conf.container_id = record.pod_id;
  conf.netns = netns;
  conf.args = record.cni_args;
  conf.capabilities_json = record.capabilities_json;
  return conf;
}

std::string PodLabel(const state::PodRecord& r) {
  return r.pod_namespace + "/" + r.pod_name + " (" + r.pod_id + ")";
}

Result<std::string> ReadTemplate(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ErrnoStatus(errno, "read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status ValidateSpec(const PodNetworkSpec& spec) {
  const std::string& id = spec.pod_id;
  CRIA_RETURN_IF_ERROR(ValidateObjectId("pod id", id), "");
  for (const auto& [what, value] :
       {std::pair<const char*, const std::string&>{"pod name", spec.pod_name},
        {"pod namespace", spec.pod_namespace},
        {"pod uid", spec.pod_uid}}) {
    if (value.find_first_of(";=") != std::string::npos) {
      return Invalid(std::string(what) + " \"" + value + "\" may not contain ';' or '='");
    }
  }
  if (spec.pod_name.empty() || spec.pod_namespace.empty()) {
    return Invalid("pod " + id + ": name and namespace are required");
  }
  for (const auto& pm : spec.port_mappings) {
    if (pm.container_port < 1 || pm.container_port > 65535 || pm.host_port < 0 ||
        pm.host_port > 65535) {
      return Invalid("pod " + id + ": port mapping " + std::to_string(pm.host_port) + ":" +
                     std::to_string(pm.container_port) + " is out of range");
    }
    if (pm.protocol != "tcp" && pm.protocol != "udp" && pm.protocol != "sctp") {
      return Invalid("pod " + id + ": port mapping protocol \"" + pm.protocol +
                     "\" is not tcp, udp or sctp");
    }
  }
  return OkStatus();
}

PodNetworks::PodNetworks(const config::Config& config)
    : config_(config),
      netns_dir_(config.common.run_dir + "/netns"),
      records_(config::StateDir(config, config::Daemon::kNetwork) + "/pods") {}

Status PodNetworks::Init() {
  std::error_code ec;
  std::filesystem::create_directories(netns_dir_, ec);
  if (ec) return ErrnoStatus(ec.value(), "create netns directory " + netns_dir_);
  return records_.Init();
}

std::string PodNetworks::NetnsPath(const std::string& pod_id) const {
  return netns_dir_ + "/" + pod_id;
}

Result<cni::NetworkConfig> PodNetworks::CurrentNetwork() const {
  const auto& net = config_.network;
  CRIA_ASSIGN_OR_RETURN(
      cni::NetworkConfig network,
      cni::PickNetwork(cni::LoadConfigDir(net.cni_config_dirs), net.default_network), "");
  CRIA_RETURN_IF_ERROR(cni::CheckPluginsPresent(network, net.cni_plugin_dirs), "");
  return network;
}

Readiness PodNetworks::CheckReady() const {
  Readiness r;
  const auto& net = config_.network;
  Result<cni::NetworkConfig> picked = CurrentNetwork();
  if (!picked.ok()) {
    r.reason = "NetworkPluginNotReady";
    r.message = "cni config not loaded: " + MessageOf(picked.status());
    return r;
  }
  // CNI 1.1 plugins can say themselves whether they are ready (e.g. a daemon they need).
  Status status = cni::StatusNetwork(*picked, net.cni_plugin_dirs, net.plugin_timeout);
  if (!status.ok()) {
    r.reason = "NetworkPluginNotReady";
    r.message = "CNI STATUS: " + MessageOf(status);
    return r;
  }
  r.ready = true;
  r.network_name = picked->name;
  return r;
}

Result<PodNetworkInfo> PodNetworks::Create(const PodNetworkSpec& spec) {
  CRIA_RETURN_IF_ERROR(ValidateSpec(spec), "");
  auto pod_lock = pod_locks_.For(spec.pod_id);
  std::lock_guard<std::mutex> guard(*pod_lock);

  if (Result<state::PodRecord> earlier = ReadRecord(spec.pod_id); earlier.ok()) {
    if (earlier->phase == state::Phase::kReady && netns::IsPinned(earlier->netns)) {
      return PodNetworkInfo{earlier->netns, earlier->ips, earlier->network_name};
    }
    CRIA_RETURN_IF_ERROR(TearDown(*earlier), "clean up an earlier attempt");
  }

  const auto& net = config_.network;
  Result<cni::NetworkConfig> network = CurrentNetwork();
  if (!network.ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  "network not ready for pod " + spec.pod_id + ": " + MessageOf(network.status()));
  }
  std::string cidrs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cidrs = pod_cidrs_;
  }
  CRIA_ASSIGN_OR_RETURN(std::string caps, CapabilitiesJson(spec, cidrs), "pod " + spec.pod_id);

  state::PodRecord record;
  record.pod_id = spec.pod_id;
  record.pod_name = spec.pod_name;
  record.pod_namespace = spec.pod_namespace;
  record.pod_uid = spec.pod_uid;
  record.netns = NetnsPath(spec.pod_id);
  record.network_name = network->name;
  record.network_file = network->file;
  record.network_config = network->raw;
  record.cni_args = {{"IgnoreUnknown", "1"},
                     {"K8S_POD_NAMESPACE", spec.pod_namespace},
                     {"K8S_POD_NAME", spec.pod_name},
                     {"K8S_POD_INFRA_CONTAINER_ID", spec.pod_id},
                     {"K8S_POD_UID", spec.pod_uid}};
  record.capabilities_json = caps;

  UndoStack undo;
  // 1. The intent, before anything exists: a crash from here on is undone at start.
  CRIA_RETURN_IF_ERROR(records_.WriteRaw(spec.pod_id, state::ToJson(record)),
                       "record pod network " + spec.pod_id);
  undo.Push("remove the record of pod " + spec.pod_id,
            [this, id = spec.pod_id] { return records_.Remove(id); });
  // 2. The netns.
  CRIA_RETURN_IF_ERROR(netns::Create(record.netns), "pod " + spec.pod_id);
  undo.Push("remove netns " + record.netns, [path = record.netns] { return netns::Remove(path); });
  // 3. CNI ADD; DEL undoes whatever part of the chain ran.
  cni::RuntimeConf conf = RuntimeConfOf(record, record.netns);
  // Captured by value: the undo runs after this scope's locals are gone.
  undo.Push("CNI DEL of pod " + spec.pod_id, [this, network = *network, conf] {
    const auto& net = config_.network;
    return cni::DelNetwork(network, conf, std::nullopt, net.cni_plugin_dirs, net.plugin_timeout);
  });
  Result<std::string> result =
      cni::AddNetwork(*network, conf, net.cni_plugin_dirs, net.plugin_timeout);
  if (!result.ok()) {
    return Annotate(result.status(), "set up the network of pod " + PodLabel(record) +
                                         " (network " + network->name + ")");
  }
  CRIA_ASSIGN_OR_RETURN(cni::CniResult parsed, cni::ParseResult(*result),
                        "CNI ADD result of pod " + spec.pod_id);
  // 4. Ready, with the result DEL will need.
  record.phase = state::Phase::kReady;
  record.result_json = *result;
  record.ips = cni::PodIps(parsed);
  CRIA_RETURN_IF_ERROR(records_.WriteRaw(spec.pod_id, state::ToJson(record)),
                       "record pod network " + spec.pod_id);
  undo.Commit();
  log::Info("pod network up", {{"pod", PodLabel(record)},
                               {"network", record.network_name},
                               {"ip", record.ips.empty() ? "" : record.ips[0]}});
  return PodNetworkInfo{record.netns, record.ips, record.network_name};
}

Result<state::PodRecord> PodNetworks::ReadRecord(const std::string& pod_id) const {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records_.Read(pod_id), "");
  return state::FromJson(doc);
}

Status PodNetworks::TearDown(const state::PodRecord& record) {
  const auto& net = config_.network;
  Result<cni::NetworkConfig> network =
      cni::ParseConfigText(record.network_config, record.network_file);
  if (network.ok()) {
    std::string netns = netns::IsPinned(record.netns) ? record.netns : "";
    std::optional<std::string> cached;
    if (!record.result_json.empty()) cached = record.result_json;
    Status del = cni::DelNetwork(*network, RuntimeConfOf(record, netns), cached,
                                 net.cni_plugin_dirs, net.plugin_timeout);
    if (!del.ok()) return Annotate(del, "tear down the network of pod " + PodLabel(record));
  } else {
    log::Warn("stored network configuration unreadable; skipping CNI DEL",
              {{"pod", PodLabel(record)}, {"error", network.status()}});
  }
  CRIA_RETURN_IF_ERROR(netns::Remove(record.netns), "");
  return records_.Remove(record.pod_id);
}

Status PodNetworks::Remove(const std::string& pod_id) {
  auto pod_lock = pod_locks_.For(pod_id);
  {
    std::lock_guard<std::mutex> guard(*pod_lock);
    Result<state::PodRecord> record = ReadRecord(pod_id);
    if (record.status().code() == StatusCode::kNotFound) {
      // No record: nothing of ours but maybe a pin left by a crash before the record.
      CRIA_RETURN_IF_ERROR(netns::Remove(NetnsPath(pod_id)), "");
    } else {
      if (!record.ok()) return Annotate(record.status(), "pod network record " + pod_id);
      CRIA_RETURN_IF_ERROR(TearDown(*record), "");
      log::Info("pod network removed", {{"pod", PodLabel(*record)}});
    }
  }
  pod_locks_.Forget(pod_id);
  return OkStatus();
}

Result<PodNetworkInfo> PodNetworks::Get(const std::string& pod_id, bool check) {
  auto pod_lock = pod_locks_.For(pod_id);
  std::lock_guard<std::mutex> guard(*pod_lock);
  Result<state::PodRecord> found = ReadRecord(pod_id);
  if (found.status().code() == StatusCode::kNotFound) {
    return Status(StatusCode::kNotFound, "pod " + pod_id + " has no network");
  }
  if (!found.ok()) return Annotate(found.status(), "pod network record " + pod_id);
  state::PodRecord record = std::move(*found);
  if (record.phase != state::Phase::kReady) {
    return Status(StatusCode::kNotFound, "pod " + pod_id + " has no network (being set up)");
  }
  if (check) {
    CRIA_ASSIGN_OR_RETURN(cni::NetworkConfig network,
                          cni::ParseConfigText(record.network_config, record.network_file),
                          "pod " + pod_id);
    const auto& net = config_.network;
    CRIA_RETURN_IF_ERROR(
        cni::CheckNetwork(network, RuntimeConfOf(record, record.netns), record.result_json,
                          net.cni_plugin_dirs, net.plugin_timeout),
        "check the network of pod " + PodLabel(record));
  }
  return PodNetworkInfo{record.netns, record.ips, record.network_name};
}

RecoveryReport PodNetworks::Recover() {
  RecoveryReport report;
  Result<records::RecordDir::LoadReport> loaded = records_.LoadAll();
  if (!loaded.ok()) {
    report.problems.push_back(MessageOf(loaded.status()));
    return report;
  }
  for (const auto& q : loaded->quarantined) {
    report.problems.push_back("quarantined record " + q.name + ": " + q.reason);
  }
  const auto& net = config_.network;
  Result<cni::NetworkConfig> current = CurrentNetwork();

  // 1. Records: keep live pods; undo half-made networks and those whose netns is gone.
  std::set<std::string> recorded;
  std::vector<cni::Attachment> live;
  for (const auto& [name, doc] : loaded->records) {
    Result<state::PodRecord> record = state::FromJson(doc);
    if (!record.ok()) {
      report.problems.push_back("record " + name + ": " + MessageOf(record.status()));
      continue;
    }
    recorded.insert(name);
    if (record->phase == state::Phase::kReady && netns::IsPinned(record->netns)) {
      ++report.kept;
      live.push_back({record->pod_id, "eth0"});
      continue;
    }
    const char* why = record->phase == state::Phase::kAdding ? "half-made network"
                                                             : "network whose netns is gone";
    if (Status s = TearDown(*record); !s.ok()) {
      report.problems.push_back(MessageOf(s));
      continue;
    }
    ++report.cleaned;
    log::Info("recovery: removed " + std::string(why), {{"pod", PodLabel(*record)}});
  }

  // 2. Pins with no record: a crash before the record existed. Nothing ran in them but
  // maybe part of an ADD; DEL with the current configuration frees what it can.
  for (const std::string& name : netns::List(netns_dir_)) {
    if (recorded.count(name) > 0) continue;
    std::string path = NetnsPath(name);
    if (current.ok()) {
      cni::RuntimeConf conf;
      conf.container_id = name;
      conf.netns = netns::IsPinned(path) ? path : "";
      Status del =
          cni::DelNetwork(*current, conf, std::nullopt, net.cni_plugin_dirs, net.plugin_timeout);
      if (!del.ok()) log::Debug("recovery: DEL of an unrecorded netns", {{"error", del}});
    }
    if (Status s = netns::Remove(path); !s.ok()) {
      report.problems.push_back(MessageOf(s));
      continue;
    }
    ++report.cleaned;
    log::Info("recovery: removed netns with no record", {{"netns", path}});
  }

  // 3. CNI 1.1 GC: plugins drop whatever belongs to no live pod (e.g. IPs of pods removed
  // while cria-network was down and never DELeted).
  if (current.ok()) {
    Status gc = cni::GcNetwork(*current, live, net.cni_plugin_dirs, net.plugin_timeout);
    if (!gc.ok()) report.problems.push_back(MessageOf(gc));
  }
  return report;
}

Status PodNetworks::SetPodCidr(const std::string& pod_cidrs) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pod_cidrs_ = pod_cidrs;
  }
  log::Info("pod CIDR updated", {{"pod_cidr", pod_cidrs}});
  if (config_.network.cni_config_template.empty() || pod_cidrs.empty()) return OkStatus();
  return WriteTemplate(pod_cidrs);
}

Status PodNetworks::WriteTemplate(const std::string& pod_cidrs) const {
  const std::string& tmpl_path = config_.network.cni_config_template;
  CRIA_ASSIGN_OR_RETURN(std::string text, ReadTemplate(tmpl_path), "network.cni_config_template");
  std::string first = pod_cidrs.substr(0, pod_cidrs.find(','));
  const std::string key = "{{.PodCIDR}}";
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
    text.replace(at, key.size(), first);
    at += first.size();
  }
  if (config_.network.cni_config_dirs.empty()) {
    return Status(StatusCode::kFailedPrecondition, "network.cni_config_dirs is empty");
  }
  std::string dir = config_.network.cni_config_dirs.front();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string out = dir + "/" + kTemplateOutput;
  CRIA_RETURN_IF_ERROR(records::WriteFileAtomic(out, text, 0644),
                       "write network configuration from template " + tmpl_path);
  log::Info("network configuration written from template", {{"file", out}, {"pod_cidr", first}});
  return OkStatus();
}

}  // namespace cria::network::pod

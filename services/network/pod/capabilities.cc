#include "services/network/pod/capabilities.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <climits>

namespace cria::network::pod {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr char kIngress[] = "kubernetes.io/ingress-bandwidth";
constexpr char kEgress[] = "kubernetes.io/egress-bandwidth";

void Strings(Writer& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str());
  w.EndArray();
}

std::vector<std::string> SplitCidrs(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<uint64_t> ParseQuantity(const std::string& text) {
  auto bad = [&] {
    return Status(StatusCode::kInvalidArgument,
                  "\"" + text + "\" is not a quantity like 10M, 1Gi or 500k");
  };
  size_t i = 0;
  uint64_t number = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (number > (UINT64_MAX - 9) / 10) return bad();
    number = number * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return bad();
  std::string suffix = text.substr(i);
  static const std::vector<std::pair<std::string, uint64_t>> kUnits = {
      {"", 1},
      {"k", 1000ULL},
      {"M", 1000ULL * 1000},
      {"G", 1000ULL * 1000 * 1000},
      {"T", 1000ULL * 1000 * 1000 * 1000},
      {"P", 1000ULL * 1000 * 1000 * 1000 * 1000},
      {"Ki", 1ULL << 10},
      {"Mi", 1ULL << 20},
      {"Gi", 1ULL << 30},
      {"Ti", 1ULL << 40},
      {"Pi", 1ULL << 50}};
  for (const auto& [unit, scale] : kUnits) {
    if (suffix != unit) continue;
    if (number > UINT64_MAX / scale) return bad();
    return number * scale;
  }
  return bad();
}

Result<std::string> CapabilitiesJson(const PodNetworkSpec& spec, const std::string& pod_cidrs) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("portMappings");
  w.StartArray();
  for (const auto& pm : spec.port_mappings) {
    if (pm.host_port <= 0) continue;
    w.StartObject();
    w.Key("hostPort");
    w.Int(pm.host_port);
    w.Key("containerPort");
    w.Int(pm.container_port);
    w.Key("protocol");
    w.String(pm.protocol.empty() ? "tcp" : pm.protocol.c_str());
    w.Key("hostIP");
    w.String(pm.host_ip.c_str());
    w.EndObject();
  }
  w.EndArray();

  auto ingress = spec.annotations.find(kIngress);
  auto egress = spec.annotations.find(kEgress);
  if (ingress != spec.annotations.end() || egress != spec.annotations.end()) {
    w.Key("bandwidth");
    w.StartObject();
    for (auto [it, rate_key, burst_key, name] :
         {std::tuple{ingress, "ingressRate", "ingressBurst", kIngress},
          std::tuple{egress, "egressRate", "egressBurst", kEgress}}) {
      if (it == spec.annotations.end()) continue;
      Result<uint64_t> rate = ParseQuantity(it->second);
      if (!rate.ok()) return Annotate(rate.status(), std::string("annotation ") + name);
      w.Key(rate_key);
      w.Uint64(*rate);
      // As the kubelet's own network plugins did: no burst limit of the pod's own.
      w.Key(burst_key);
      w.Uint64(INT_MAX);
    }
    w.EndObject();
  }

  w.Key("dns");
  w.StartObject();
  Strings(w, "servers", spec.dns.servers);
  Strings(w, "searches", spec.dns.searches);
  Strings(w, "options", spec.dns.options);
  w.EndObject();

  std::vector<std::string> cidrs = SplitCidrs(pod_cidrs);
  if (!cidrs.empty()) {
    w.Key("ipRanges");
    w.StartArray();
    for (const auto& cidr : cidrs) {
      w.StartArray();
      w.StartObject();
      w.Key("subnet");
      w.String(cidr.c_str());
      w.EndObject();
      w.EndArray();
    }
    w.EndArray();
  }
  if (!spec.cgroup_parent.empty()) {
    w.Key("cgroupPath");
    w.String(spec.cgroup_parent.c_str());
  }
  w.EndObject();
  return std::string(buf.GetString());
}

}  // namespace cria::network::pod

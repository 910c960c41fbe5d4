#include "services/network/cni/result.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include "libs/records/json_object.h"
#include "rapidjson/document.h"

namespace cria::network::cni {
namespace {

Status Invalid(const std::string& reason) {
  return Status(StatusCode::kInvalidArgument, "CNI result: " + reason);
}

// An optional string member: empty when absent, an error when not a string.
Result<std::string> StringMember(const rapidjson::Value& object, const char* name,
                                 const std::string& where) {
  const auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::string();
  if (!member->value.IsString()) return Invalid(where + "." + name + " is not a string");
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

// Whether `text` is an IP address; sets `ipv6` to its family.
bool ParseIp(const std::string& text, bool& ipv6) {
  unsigned char buffer[sizeof(in6_addr)];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) {
    ipv6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) {
    ipv6 = true;
    return true;
  }
  return false;
}

bool IsLoopback(const IpConfig& ip) {
  if (ip.ipv6) {
    in6_addr addr;
    return inet_pton(AF_INET6, ip.ip.c_str(), &addr) == 1 && IN6_IS_ADDR_LOOPBACK(&addr);
  }
  return ip.ip.rfind("127.", 0) == 0;
}

Result<IpConfig> ParseIpConfig(const rapidjson::Value& object, const std::string& where,
                               size_t interface_count) {
  if (!object.IsObject()) return Invalid(where + " is not an object");
  IpConfig ip;
  CRIA_ASSIGN_OR_RETURN(ip.address, StringMember(object, "address", where), "");
  const size_t slash = ip.address.find('/');
  if (slash == std::string::npos) {
    return Invalid(where + ".address \"" + ip.address + "\" is not IP/prefix");
  }
  ip.ip = ip.address.substr(0, slash);
  const std::string prefix_text = ip.address.substr(slash + 1);
  int prefix = -1;
  const auto [end, err] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (!ParseIp(ip.ip, ip.ipv6) || err != std::errc() ||
      end != prefix_text.data() + prefix_text.size() || prefix_text.empty() || prefix < 0 ||
      prefix > (ip.ipv6 ? 128 : 32)) {
    return Invalid(where + ".address \"" + ip.address + "\" is not IP/prefix");
  }
  CRIA_ASSIGN_OR_RETURN(ip.gateway, StringMember(object, "gateway", where), "");
  bool gateway_ipv6 = false;
  if (!ip.gateway.empty() && !ParseIp(ip.gateway, gateway_ipv6)) {
    return Invalid(where + ".gateway \"" + ip.gateway + "\" is not an IP address");
  }
  if (const auto index = object.FindMember("interface"); index != object.MemberEnd()) {
    if (!index->value.IsInt() || index->value.GetInt() < 0 ||
        static_cast<size_t>(index->value.GetInt()) >= interface_count) {
      return Invalid(where + ".interface is not an index into the " +
                     std::to_string(interface_count) + " interfaces");
    }
    ip.interface = index->value.GetInt();
  }
  return ip;
}

}  // namespace

Result<CniResult> ParseResult(const std::string& json) {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(json), "CNI result");
  CniResult result;
  if (const auto interfaces = doc.FindMember("interfaces"); interfaces != doc.MemberEnd()) {
    if (!interfaces->value.IsArray()) return Invalid("\"interfaces\" is not an array");
    for (rapidjson::SizeType i = 0; i < interfaces->value.Size(); ++i) {
      const rapidjson::Value& object = interfaces->value[i];
      const std::string where = "interfaces[" + std::to_string(i) + "]";
      if (!object.IsObject()) return Invalid(where + " is not an object");
      Interface interface;
      CRIA_ASSIGN_OR_RETURN(interface.name, StringMember(object, "name", where), "");
      CRIA_ASSIGN_OR_RETURN(interface.mac, StringMember(object, "mac", where), "");
      CRIA_ASSIGN_OR_RETURN(interface.sandbox, StringMember(object, "sandbox", where), "");
      result.interfaces.push_back(std::move(interface));
    }
  }
  if (const auto ips = doc.FindMember("ips"); ips != doc.MemberEnd()) {
    if (!ips->value.IsArray()) return Invalid("\"ips\" is not an array");
    for (rapidjson::SizeType i = 0; i < ips->value.Size(); ++i) {
      CRIA_ASSIGN_OR_RETURN(
          IpConfig ip,
          ParseIpConfig(ips->value[i], "ips[" + std::to_string(i) + "]", result.interfaces.size()),
          "");
      result.ips.push_back(std::move(ip));
    }
  }
  result.raw = json;
  return result;
}

std::vector<std::string> PodIps(const CniResult& result) {
  std::vector<std::string> v4;
  std::vector<std::string> v6;
  for (const IpConfig& ip : result.ips) {
    if (ip.interface >= 0 && result.interfaces[ip.interface].sandbox.empty()) continue;
    if (IsLoopback(ip)) continue;
    std::vector<std::string>& family = ip.ipv6 ? v6 : v4;
    if (std::find(family.begin(), family.end(), ip.ip) == family.end()) family.push_back(ip.ip);
  }
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4;
}

}  // namespace cria::network::cni

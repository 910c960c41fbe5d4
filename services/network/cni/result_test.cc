#include "services/network/cni/result.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cria::network::cni {
namespace {

// What the bridge plugin 1.1.1 prints on ADD.
constexpr char kBridgeResult[] = R"({
  "cniVersion": "1.0.0",
  "interfaces": [
    {"name": "cni0", "mac": "ae:42:5b:82:04:89"},
    {"name": "veth4be2c243", "mac": "ae:42:5b:82:04:89"},
    {"name": "eth0", "mac": "7a:e0:3e:72:bc:3b", "sandbox": "/run/netns/pod"}
  ],
  "ips": [{"interface": 2, "address": "10.222.0.2/24", "gateway": "10.222.0.1"}],
  "dns": {}
})";

TEST_CASE("ParseResult reads interfaces and ips", "[result]") {
  Result<CniResult> result = ParseResult(kBridgeResult);
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  REQUIRE(result->interfaces.size() == 3);
  CHECK(result->interfaces[0].name == "cni0");
  CHECK(result->interfaces[0].sandbox.empty());
  CHECK(result->interfaces[2].name == "eth0");
  CHECK(result->interfaces[2].mac == "7a:e0:3e:72:bc:3b");
  CHECK(result->interfaces[2].sandbox == "/run/netns/pod");
  REQUIRE(result->ips.size() == 1);
  CHECK(result->ips[0].address == "10.222.0.2/24");
  CHECK(result->ips[0].ip == "10.222.0.2");
  CHECK(result->ips[0].gateway == "10.222.0.1");
  CHECK(result->ips[0].interface == 2);
  CHECK_FALSE(result->ips[0].ipv6);
  CHECK(result->raw == kBridgeResult);
  CHECK(PodIps(*result) == std::vector<std::string>{"10.222.0.2"});
}

TEST_CASE("ParseResult accepts a 0.3.1 result and one without interfaces", "[result]") {
  Result<CniResult> old = ParseResult(R"({"cniVersion": "0.3.1", "ips": [
      {"version": "6", "address": "fd00::5/64", "gateway": "fd00::1"},
      {"version": "4", "address": "10.1.0.5/16"}]})");
  INFO(MessageOf(old.status()));
  REQUIRE(old.ok());
  REQUIRE(old->ips.size() == 2);
  CHECK(old->ips[0].ipv6);
  CHECK(old->ips[0].interface == -1);
  CHECK(PodIps(*old) == std::vector<std::string>{"10.1.0.5", "fd00::5"});

  Result<CniResult> empty = ParseResult(R"({"cniVersion": "1.0.0"})");
  REQUIRE(empty.ok());
  CHECK(PodIps(*empty).empty());
}

TEST_CASE("PodIps keeps sandbox addresses, IPv4 first, without loopback", "[result]") {
  Result<CniResult> result = ParseResult(R"({"cniVersion": "1.0.0",
    "interfaces": [{"name": "br0"}, {"name": "eth0", "sandbox": "/run/netns/p"},
                   {"name": "lo", "sandbox": "/run/netns/p"}],
    "ips": [
      {"interface": 1, "address": "fd00:1::5/64"},
      {"interface": 0, "address": "10.0.0.1/24"},
      {"interface": 1, "address": "10.0.0.5/24"},
      {"interface": 2, "address": "127.0.0.1/8"},
      {"interface": 2, "address": "::1/128"},
      {"interface": 1, "address": "10.0.1.5/24"},
      {"interface": 1, "address": "10.0.0.5/24"}]})");
  INFO(MessageOf(result.status()));
  REQUIRE(result.ok());
  CHECK(PodIps(*result) == std::vector<std::string>{"10.0.0.5", "10.0.1.5", "fd00:1::5"});
}

TEST_CASE("ParseResult rejects malformed results saying where", "[result]") {
  const auto reason = [](const std::string& json) {
    Result<CniResult> result = ParseResult(json);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
    return MessageOf(result.status());
  };
  CHECK(reason("").rfind("CNI result: empty", 0) == 0);
  CHECK(reason("[]") == "CNI result: the JSON value is an array, not an object");
  CHECK(reason(R"({"ips": {}})") == "CNI result: \"ips\" is not an array");
  CHECK(reason(R"({"interfaces": [{"name": 1}]})") ==
        "CNI result: interfaces[0].name is not a string");
  CHECK(reason(R"({"ips": [{"address": "10.0.0.5"}]})") ==
        "CNI result: ips[0].address \"10.0.0.5\" is not IP/prefix");
  CHECK(reason(R"({"ips": [{"address": "10.0.0.5/33"}]})") ==
        "CNI result: ips[0].address \"10.0.0.5/33\" is not IP/prefix");
  CHECK(reason(R"({"ips": [{"address": "10.0.0.500/24"}]})") ==
        "CNI result: ips[0].address \"10.0.0.500/24\" is not IP/prefix");
  CHECK(reason(R"({"ips": [{"address": "10.0.0.5/24", "gateway": "x"}]})") ==
        "CNI result: ips[0].gateway \"x\" is not an IP address");
  CHECK(reason(R"({"interfaces": [{"name": "eth0"}], "ips": [
                  {"address": "10.0.0.5/24", "interface": 1}]})") ==
        "CNI result: ips[0].interface is not an index into the 1 interfaces");
}

}  // namespace
}  // namespace cria::network::cni

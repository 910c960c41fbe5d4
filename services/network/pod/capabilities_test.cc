#include "services/network/pod/capabilities.h"

#include <catch2/catch.hpp>

namespace cria::network::pod {
namespace {

TEST_CASE("quantities parse as Kubernetes writes them") {
  CHECK(ParseQuantity("1000").value() == 1000);
  CHECK(ParseQuantity("10M").value() == 10'000'000);
  CHECK(ParseQuantity("1Mi").value() == 1'048'576);
  CHECK(ParseQuantity("500k").value() == 500'000);
  CHECK_FALSE(ParseQuantity("fast").ok());
  CHECK_FALSE(ParseQuantity("10MB").ok());
  CHECK_FALSE(ParseQuantity("").ok());
  CHECK_FALSE(ParseQuantity("99999999999999999999").ok());
}

TEST_CASE("capabilities carry port mappings, bandwidth, dns, ipRanges and the cgroup") {
  PodNetworkSpec spec;
  spec.port_mappings = {{"tcp", 80, 8080, ""}, {"udp", 53, 0, ""}, {"", 443, 8443, "127.0.0.1"}};
  spec.annotations = {{"kubernetes.io/ingress-bandwidth", "10M"}, {"other", "x"}};
  spec.dns = {{"10.96.0.10"}, {"default.svc.cluster.local"}, {"ndots:5"}};
  spec.cgroup_parent = "/kubepods/pod123";
  std::string json = CapabilitiesJson(spec, "10.244.1.0/24, fd00:1::/64").value();
  CHECK(json ==
        "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\","
        "\"hostIP\":\"\"},{\"hostPort\":8443,\"containerPort\":443,\"protocol\":\"tcp\","
        "\"hostIP\":\"127.0.0.1\"}],\"bandwidth\":{\"ingressRate\":10000000,"
        "\"ingressBurst\":2147483647},\"dns\":{\"servers\":[\"10.96.0.10\"],\"searches\":"
        "[\"default.svc.cluster.local\"],\"options\":[\"ndots:5\"]},\"ipRanges\":[[{\"subnet\":"
        "\"10.244.1.0/24\"}],[{\"subnet\":\"fd00:1::/64\"}]],\"cgroupPath\":\"/kubepods/pod123\"}");
}

TEST_CASE("a malformed bandwidth annotation is refused naming it") {
  PodNetworkSpec spec;
  spec.annotations = {{"kubernetes.io/egress-bandwidth", "lots"}};
  auto r = CapabilitiesJson(spec, "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(r.status()).find("annotation kubernetes.io/egress-bandwidth: \"lots\"") == 0);
}

}  // namespace
}  // namespace cria::network::pod

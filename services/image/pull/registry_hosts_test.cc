#include "services/image/pull/registry_hosts.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "libs/testing/temp_dir.h"

namespace cria::image::pull {
namespace {

namespace fs = std::filesystem;

TEST_CASE("mirrors come first, in order, then the registry; loopback may use HTTP") {
  config::ImageSection config;
  config.registry_mirrors = {"docker.io=127.0.0.1:5000", "docker.io=mirror.example/hub/"};
  config.insecure_registries = {"mirror.example"};
  config.certs_dir = "";
  RegistryHosts hosts(config);
  std::vector<Endpoint> eps = hosts.EndpointsFor("docker.io");
  REQUIRE(eps.size() == 3);
  CHECK(eps[0].host == "127.0.0.1:5000");
  CHECK(eps[0].mirror);
  CHECK(eps[0].allow_http);
  CHECK(eps[0].tls.verify);
  CHECK(eps[1].host == "mirror.example");
  CHECK(eps[1].path_prefix == "hub");
  CHECK(eps[1].allow_http);
  CHECK_FALSE(eps[1].tls.verify);
  CHECK(eps[2].host == "docker.io");
  CHECK_FALSE(eps[2].mirror);
  CHECK_FALSE(eps[2].allow_http);
  reference::Reference ref{"docker.io", "library/busybox", "latest", ""};
  CHECK(eps[1].Rewrite(ref).String() == "mirror.example/hub/library/busybox:latest");
  CHECK(hosts.EndpointsFor("quay.io").size() == 1);
  CHECK(IsLoopbackHost("[::1]:5000"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK_FALSE(IsLoopbackHost("10.0.0.1:5000"));
}

TEST_CASE("certs.d files and auth file credentials") {
  cria::testing::TempDir scratch("cria-hosts-", "/tmp");
  const std::string dir = scratch.path();
  fs::create_directories(dir + "/certs/reg.example:443");
  std::ofstream(dir + "/certs/reg.example:443/ca.crt") << "CA-PEM";
  std::ofstream(dir + "/certs/reg.example:443/client.cert") << "CERT";
  std::ofstream(dir + "/certs/reg.example:443/client.key") << "KEY";
  // dXNlcjpwYXNz = base64("user:pass")
  std::ofstream(dir + "/auth.json")
      << R"({"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"},
                       "reg.example:443": {"username": "u2", "password": "p2"}}})";
  config::ImageSection config;
  config.certs_dir = dir + "/certs";
  config.auth_file = dir + "/auth.json";
  RegistryHosts hosts(config);
  Endpoint ep = hosts.EndpointsFor("reg.example:443").back();
  CHECK(ep.tls.extra_ca_pem.find("CA-PEM") != std::string::npos);
  CHECK(ep.tls.client_cert_file == dir + "/certs/reg.example:443/client.cert");
  CHECK(ep.tls.client_key_file == dir + "/certs/reg.example:443/client.key");
  auto hub = hosts.CredentialsFor("docker.io");
  REQUIRE(hub.ok());
  REQUIRE(hub->has_value());
  CHECK((*hub)->username == "user");
  CHECK((*hub)->password == "pass");
  auto reg = hosts.CredentialsFor("reg.example:443");
  REQUIRE(reg.ok());
  CHECK((*reg)->username == "u2");
  CHECK_FALSE(hosts.CredentialsFor("quay.io")->has_value());
  std::ofstream(dir + "/auth.json") << "not json";
  auto bad = hosts.CredentialsFor("docker.io");
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(std::string(bad.status().message()).find(dir + "/auth.json") != std::string::npos);
}

}  // namespace
}  // namespace cria::image::pull

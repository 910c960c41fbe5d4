// cria-image against registries that are not simply there and open, through the CRI socket:
// TLS with a test CA (and client certificates), basic auth, the bearer-token flow, transient
// failures and retries, stalls, bad manifests and truncated blobs, mirrors, short names and
// aliases, local transports, pinned images, and criactl end to end.
//
// Every name a test pulls points at 127.0.0.1. The daemons also get an http(s) proxy on a
// dead 127.0.0.1 port (loopback exempt), so a name that fell through to a real registry
// would fail here instead of reaching the network.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "rapidjson/document.h"
#include "services/image/registry/fake_server.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_layout.h"
#include "services/image/testing/image_push.h"
#include "tests/support/image_env.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace it = image::testing;
namespace reg = image::registry;
using reg::testing::FakeReply;
using reg::testing::FakeServer;
using reg::testing::HttpReply;
using reg::testing::RegistryTls;
using reg::testing::TempDir;
using reg::testing::TestRegistry;
using runtime::v1::AuthConfig;
using runtime::v1::ImageStatusResponse;
using Clock = std::chrono::steady_clock;

// Before any daemon starts: a proxy nothing listens on for everything but 127.0.0.1 and
// localhost. Its address ("127.0.0.1:<port>").
const std::string kDeadProxy = [] {
  const std::string address = "127.0.0.1:" + std::to_string(reg::testing::FreePort());
  for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) {
    ::setenv(name, ("http://" + address).c_str(), 1);
  }
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  return address;
}();

it::BuiltImage BuildOrFail(const it::ImageSpec& spec) {
  Result<it::BuiltImage> built = it::Build(spec);
  INFO(MessageOf(built.status()));
  REQUIRE(built.ok());
  return *built;
}

// A small image (one tiny layer, or two), different for each `label`.
it::BuiltImage SmallImage(const std::string& label, bool two_layers = false) {
  it::ImageSpec spec;
  spec.layers = {it::LayerSpec().Dir("etc").File("etc/label", label + "\n")};
  if (two_layers) spec.layers.push_back(it::LayerSpec().File("second", label + " second\n"));
  spec.labels = {{"test", label}};
  spec.cmd = {"/bin/true"};
  return BuildOrFail(spec);
}

void PushOrFail(TestRegistry& registry, const std::string& repo, const std::string& tag,
                const it::BuiltImage& image) {
  Status s = it::Push(registry, repo, tag, image);
  INFO(MessageOf(s));
  REQUIRE(s.ok());
}

std::vector<std::string> Tags(const runtime::v1::Image& image) {
  return {image.repo_tags().begin(), image.repo_tags().end()};
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// What a failed pull must leave: no image, no pin, no download.
void CheckNothingStored(ImageEnv& env) {
  CHECK(env.List().empty());
  CHECK(env.Pins().empty());
  CHECK(fs::is_empty(env.stack().state_dir() + "/image/tmp"));
}

reg::Credentials UserPassword(const std::string& username, const std::string& password) {
  reg::Credentials credentials;
  credentials.username = username;
  credentials.password = password;
  return credentials;
}

// The base64 "user:password" of Docker's "auth" fields.
std::string Base64Auth(const reg::Credentials& credentials) {
  const std::string header = reg::BasicAuthHeader(credentials);
  return header.substr(header.rfind(' ') + 1);
}

// The request line and headers a FakeServer handler gets.
struct HttpHead {
  std::string method, target;                  // target: path and query
  std::map<std::string, std::string> headers;  // names lowercased

  std::string path() const { return target.substr(0, target.find('?')); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

HttpHead ParseHead(const std::string& raw) {
  HttpHead head;
  std::istringstream in(raw);
  std::string line;
  std::getline(in, line);
  std::istringstream request_line(line);
  request_line >> head.method >> head.target;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t start = line.find_first_not_of(' ', colon + 1);
    head.headers[name] = start == std::string::npos ? "" : line.substr(start);
  }
  return head;
}

// A registry on a FakeServer serving one built image as `repo`:`tag` (manifest by tag or
// digest, its blobs). A hook sees each request first, with how many times that method and
// path were asked for (1 the first time), and may answer instead.
class FakeRegistry {
 public:
  using Hook = std::function<std::optional<FakeReply>(const HttpHead& head, int count)>;

  FakeRegistry(std::string repo, std::string tag, it::BuiltImage image, Hook hook = nullptr)
      : repo_(std::move(repo)),
        tag_(std::move(tag)),
        image_(std::move(image)),
        hook_(std::move(hook)),
        server_([this](const std::string& raw) { return Serve(ParseHead(raw)); }) {}

  std::string address() const { return server_.address(); }
  std::string Ref() const { return address() + "/" + repo_ + ":" + tag_; }
  std::string Name() const { return address() + "/" + repo_; }
  // How many times `method` `path` was asked for.
  int Count(const std::string& method, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[method + " " + path];
  }
  std::string ManifestPath(const std::string& tag_or_digest) const {
    return "/v2/" + repo_ + "/manifests/" + tag_or_digest;
  }
  std::string BlobPath(const std::string& digest) const {
    return "/v2/" + repo_ + "/blobs/" + digest;
  }

 private:
  FakeReply Serve(const HttpHead& head) {
    int count;
    {
      std::lock_guard<std::mutex> lock(mu_);
      count = ++counts_[head.method + " " + head.path()];
    }
    if (hook_) {
      if (std::optional<FakeReply> reply = hook_(head, count)) return *reply;
    }
    const std::string path = head.path();
    if (path == "/v2/" || path == "/v2") return {HttpReply(200, "", "{}")};
    if (path == ManifestPath(tag_) || path == ManifestPath(image_.manifest_digest)) {
      return {HttpReply(200,
                        "Content-Type: " + image_.manifest_media_type +
                            "\r\nDocker-Content-Digest: " + image_.manifest_digest + "\r\n",
                        image_.manifest_body)};
    }
    for (const auto& [digest, content] : image_.blobs) {
      if (path == BlobPath(digest)) {
        return {HttpReply(200, "Content-Type: application/octet-stream\r\n", content)};
      }
    }
    return {HttpReply(404, "Content-Type: application/json\r\n",
                      R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]})")};
  }

  const std::string repo_, tag_;
  const it::BuiltImage image_;
  const Hook hook_;
  std::mutex mu_;
  std::map<std::string, int> counts_;
  FakeServer server_;  // last: stopped first, while the rest is still alive
};

// A 127.0.0.1 port nothing listens on.
std::string DeadAddress() { return "127.0.0.1:" + std::to_string(reg::testing::FreePort()); }

TEST_CASE("TLS: a registry with a test CA, trusted through certs_dir; client certificates") {
  TempDir pki;
  Result<RegistryTls> tls = reg::testing::MakeTestCertificates(pki.path());
  INFO(MessageOf(tls.status()));
  REQUIRE(tls.ok());
  TestRegistry registry(std::nullopt, *tls);
  INFO(registry.log());
  REQUIRE(registry.started());
  RegistryTls mutual = *tls;
  mutual.client_ca_file = tls->ca_file;
  TestRegistry mtls_registry(std::nullopt, mutual);
  INFO(mtls_registry.log());
  REQUIRE(mtls_registry.started());
  it::BuiltImage image = SmallImage("tls");
  PushOrFail(registry, "cria/tls", "1", image);
  PushOrFail(mtls_registry, "cria/mtls", "1", image);

  TempDir certs;
  ImageEnv env("  certs_dir: " + certs.path() + "\n");
  const std::string ref = registry.address() + "/cria/tls:1";

  // Not trusted yet: the system CAs do not know the test CA.
  grpc::Status s = env.Pull(ref);
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(s.error_message(), "TLS"));
  CHECK(Contains(s.error_message(), "certificate"));
  CheckNothingStored(env);

  // The CA in certs_dir/<host:port>/ca.crt: trusted (read at each pull, no restart).
  const std::string host_dir = certs.path() + "/" + registry.address();
  fs::create_directories(host_dir);
  fs::copy_file(tls->ca_file, host_dir + "/ca.crt");
  std::string image_ref;
  s = env.Pull(ref, &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  std::vector<runtime::v1::Image> images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(Tags(images[0]) == std::vector<std::string>{ref});

  // A registry that wants a client certificate: refused without one, served with
  // client.cert + client.key beside the CA.
  const std::string mtls_ref = mtls_registry.address() + "/cria/mtls:1";
  const std::string mtls_dir = certs.path() + "/" + mtls_registry.address();
  fs::create_directories(mtls_dir);
  fs::copy_file(tls->ca_file, mtls_dir + "/ca.crt");
  s = env.Pull(mtls_ref);
  INFO(s.error_message());
  // Over TLS 1.3 the server refuses the missing certificate after the handshake; the
  // refusal is a TLS failure, named as such and not retried.
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(s.error_message().find("TLS failed") != std::string::npos);
  CHECK(env.List().size() == 1);
  CHECK(fs::is_empty(env.stack().state_dir() + "/image/tmp"));
  fs::copy_file(tls->client_cert_file, mtls_dir + "/client.cert");
  fs::copy_file(tls->client_key_file, mtls_dir + "/client.key");
  s = env.Pull(mtls_ref, &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  images = env.List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].repo_tags_size() == 2);
}

TEST_CASE("basic auth: CRI credentials, the auth field, a wrong password, auth_file") {
  const reg::Credentials user = UserPassword("cria-user", "Pa55-word-for-cria");
  TempDir dir;
  const std::string auth_file = dir.path() + "/auth.json";
  ImageEnv env("  auth_file: " + auth_file + "\n", user);
  it::BuiltImage image = SmallImage("auth");
  PushOrFail(env.registry(), "cria/private", "1", image);
  const std::string ref = env.Ref("cria/private", "1");

  // No credentials at all.
  grpc::Status s = env.Pull(ref);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CheckNothingStored(env);

  // A wrong password: refused, and neither it nor its base64 form is echoed.
  AuthConfig wrong;
  wrong.set_username(user.username);
  wrong.set_password("Wr0ng-secret-456");
  s = env.Pull(ref, nullptr, &wrong);
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Contains(s.error_message(), "cria/private"));
  CHECK_FALSE(Contains(s.error_message(), "Wr0ng-secret-456"));
  CHECK_FALSE(
      Contains(s.error_message(), Base64Auth(UserPassword(user.username, "Wr0ng-secret-456"))));
  AuthConfig wrong_auth;
  wrong_auth.set_auth(Base64Auth(UserPassword(user.username, "Wr0ng-secret-456")));
  s = env.Pull(ref, nullptr, &wrong_auth);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_FALSE(Contains(s.error_message(), "Wr0ng-secret-456"));
  CHECK_FALSE(Contains(s.error_message(), wrong_auth.auth()));
  CheckNothingStored(env);
  // The daemon's log has neither the password nor the right one.
  for (const char* daemon : {"image", "gateway"}) {
    const std::string log = env.stack().Log(daemon);
    CHECK_FALSE(Contains(log, "Wr0ng-secret-456"));
    CHECK_FALSE(Contains(log, user.password));
  }

  // Username and password.
  AuthConfig plain;
  plain.set_username(user.username);
  plain.set_password(user.password);
  std::string image_ref;
  s = env.Pull(ref, &image_ref, &plain);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  REQUIRE(env.Remove(ref).ok());
  CheckNothingStored(env);

  // Docker's "auth" field: base64(user:password).
  AuthConfig encoded;
  encoded.set_auth(Base64Auth(user));
  s = env.Pull(ref, &image_ref, &encoded);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(env.Remove(ref).ok());

  // No credentials in the request: those of auth_file for this host:port (read at each
  // pull); CRI credentials still win over them.
  reg::testing::WriteFile(auth_file, R"({"auths": {")" + env.registry().address() +
                                         R"(": {"auth": ")" + Base64Auth(user) + R"("}}})");
  s = env.Pull(ref, nullptr, &wrong);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  s = env.Pull(ref, &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  CHECK(env.List().size() == 1);
}

TEST_CASE("bearer tokens: the challenge flow through cria-image, and a registry_token") {
  const reg::Credentials user = UserPassword("token-user", "token-pass-789");
  const std::string token = "tok-3f9a1c7e";
  std::mutex mu;
  int token_requests = 0;
  std::string token_query;
  FakeServer token_server([&](const std::string& raw) -> FakeReply {
    HttpHead head = ParseHead(raw);
    std::lock_guard<std::mutex> lock(mu);
    ++token_requests;
    token_query = head.target;
    if (head.path() != "/token") return {HttpReply(404, "", "")};
    if (head.Header("authorization") != "Basic " + Base64Auth(user)) {
      return {HttpReply(401, "", R"({"details":"bad credentials"})")};
    }
    return {HttpReply(200, "Content-Type: application/json\r\n",
                      R"({"token": ")" + token + R"(", "expires_in": 300})")};
  });
  it::BuiltImage image = SmallImage("bearer", true);
  const std::string repo = "cria/bearer";
  std::string challenge = "Bearer realm=\"http://" + token_server.address() +
                          "/token\",service=\"fake\",scope=\"repository:" + repo + ":pull\"";
  FakeRegistry registry(
      repo, "1", image, [&](const HttpHead& head, int) -> std::optional<FakeReply> {
        if (head.Header("authorization") == "Bearer " + token) {
          return std::nullopt;
        }
        return FakeReply{HttpReply(
            401, "WWW-Authenticate: " + challenge + "\r\nContent-Type: application/json\r\n",
            R"({"errors":[{"code":"UNAUTHORIZED"}]})")};
      });
  ImageEnv env;

  // Anonymous: the token server refuses, the pull is UNAUTHENTICATED.
  grpc::Status s = env.Pull(registry.Ref());
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CheckNothingStored(env);

  // Wrong password at the token server: UNAUTHENTICATED, the password not echoed.
  AuthConfig wrong;
  wrong.set_username(user.username);
  wrong.set_password("not-the-pass-000");
  s = env.Pull(registry.Ref(), nullptr, &wrong);
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_FALSE(Contains(s.error_message(), "not-the-pass-000"));
  CheckNothingStored(env);

  // Right credentials: a token is fetched (service and scope of the challenge) and used.
  AuthConfig auth;
  auth.set_username(user.username);
  auth.set_password(user.password);
  std::string image_ref;
  s = env.Pull(registry.Ref(), &image_ref, &auth);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(Contains(token_query, "service=fake"));
    CHECK((Contains(token_query, "scope=repository%3Acria%2Fbearer%3Apull") ||
           Contains(token_query, "scope=repository:cria/bearer:pull")));
  }
  CHECK_FALSE(Contains(env.stack().Log("image"), token));
  REQUIRE(env.Remove(registry.Ref()).ok());
  CheckNothingStored(env);

  // A registry_token is sent as it is: the token server is not asked.
  int before;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = token_requests;
  }
  AuthConfig bearer;
  bearer.set_registry_token(token);
  s = env.Pull(registry.Ref(), &image_ref, &bearer);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(token_requests == before);
  }
  REQUIRE(env.Remove(registry.Ref()).ok());

  // A wrong registry_token: UNAUTHENTICATED, not echoed.
  AuthConfig bad_token;
  bad_token.set_registry_token("tok-wrong-5555");
  s = env.Pull(registry.Ref(), nullptr, &bad_token);
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_FALSE(Contains(s.error_message(), "tok-wrong-5555"));
  CheckNothingStored(env);
}

TEST_CASE("transient registry failures are retried; a registry that stays down is not") {
  ImageEnv env;  // pull_retries: 4 (the default)
  it::BuiltImage image = SmallImage("flaky", true);
  const std::string top = image.layer_digests.back();
  const std::string top_body = image.blobs.at(top);
  // The first GET of the manifest is a 500, the first GET of the config and of the base
  // layer a 429 with Retry-After: 1, the first GET of the top layer stops halfway through
  // its body (a reset); then everything is served.
  FakeRegistry flaky("cria/flaky", "1", image,
                     [&](const HttpHead& head, int count) -> std::optional<FakeReply> {
                       if (head.method != "GET" || count != 1) return std::nullopt;
                       if (Contains(head.path(), "/manifests/"))
                         return FakeReply{HttpReply(500, "", "oops")};
                       if (Contains(head.path(), "/blobs/" + top)) {
                         std::string raw = HttpReply(200, "", top_body);
                         raw.resize(raw.size() - top_body.size() / 2);
                         return FakeReply{raw};
                       }
                       if (Contains(head.path(), "/blobs/")) {
                         return FakeReply{HttpReply(429, "Retry-After: 1\r\n", "slow down")};
                       }
                       return std::nullopt;
                     });
  auto started = Clock::now();
  std::string image_ref;
  grpc::Status s = env.Pull(flaky.Ref(), &image_ref);
  auto took = Clock::now() - started;
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == image.config_digest);
  CHECK(flaky.Count("GET", flaky.ManifestPath("1")) == 2);
  for (const auto& [digest, content] : image.blobs) {
    INFO(digest);
    CHECK(flaky.Count("GET", flaky.BlobPath(digest)) == 2);
  }
  // Retry-After: 1 was honoured (the backoff alone would be 250 ms).
  CHECK(took >= std::chrono::seconds(1));
  REQUIRE(env.Remove(image_ref).ok());
  CheckNothingStored(env);

  // Always 503: UNAVAILABLE after pull_retries attempts, nothing stored.
  FakeRegistry down("cria/down", "1", image, [](const HttpHead& head, int) {
    if (head.path() == "/v2/") return std::optional<FakeReply>();
    return std::optional<FakeReply>(FakeReply{HttpReply(503, "", "maintenance")});
  });
  s = env.Pull(down.Ref());
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(s.error_message(), "503"));
  CHECK(down.Count("GET", down.ManifestPath("1")) == 4);
  CheckNothingStored(env);
}

TEST_CASE("a blob transfer that stalls fails after registry_timeout, leaving nothing") {
  ImageEnv env("  registry_timeout: 1s\n  pull_retries: 1\n");
  it::BuiltImage image = SmallImage("stall");
  const std::string layer = image.layer_digests[0];
  const std::string layer_body = image.blobs.at(layer);
  FakeRegistry stalling(
      "cria/stall", "1", image, [&](const HttpHead& head, int) -> std::optional<FakeReply> {
        if (!Contains(head.path(), "/blobs/" + layer)) return std::nullopt;
        // The headers and a few bytes, then nothing for a long time.
        std::string raw = HttpReply(200, "Content-Type: application/octet-stream\r\n", layer_body);
        raw.resize(raw.size() - layer_body.size() + 10);
        return FakeReply{raw, 20000};
      });
  auto started = Clock::now();
  grpc::Status s = env.Pull(stalling.Ref());
  auto took = Clock::now() - started;
  INFO(s.error_message());
  // http.h: a stalled transfer is DeadlineExceeded (retryable, but pull_retries is 1).
  CHECK(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(Contains(s.error_message(), layer));
  CHECK(took < std::chrono::seconds(8));
  CHECK(stalling.Count("GET", stalling.BlobPath(layer)) == 1);
  CheckNothingStored(env);
}

TEST_CASE("bad manifests and truncated blobs from a registry are refused, leaving nothing") {
  ImageEnv env("  pull_retries: 2\n");
  it::BuiltImage image = SmallImage("bad");
  const std::string layer = image.layer_digests[0];
  const std::string layer_body = image.blobs.at(layer);
  const std::string unknown_type = "application/vnd.cria.unknown.manifest.v9+json";
  const std::string schema1_type = "application/vnd.docker.distribution.manifest.v1+prettyjws";
  // An index whose entry for this host names `image`'s manifest, which the registry then
  // answers with another manifest.
  Result<it::BuiltIndex> index = it::BuildIndex({{image.platform, image}});
  REQUIRE(index.ok());
  it::BuiltImage impostor = SmallImage("impostor");
  FakeRegistry bad("cria/bad", "good", image, [&](const HttpHead& head, int) {
    const std::string path = head.path();
    auto manifest = [&](const std::string& type, const std::string& body) {
      return std::optional<FakeReply>(
          FakeReply{HttpReply(200, "Content-Type: " + type + "\r\n", body)});
    };
    if (path == "/v2/cria/bad/manifests/liar") return manifest(index->media_type, index->body);
    if (path == "/v2/cria/bad/manifests/" + image.manifest_digest) {
      return manifest(impostor.manifest_media_type, impostor.manifest_body);
    }
    if (path == "/v2/cria/bad/manifests/huge") {
      return manifest(
          "application/vnd.oci.image.manifest.v1+json",
          R"({"schemaVersion":2,"annotations":{"x":")" + std::string((4 << 20) + 1, 'a') + "\"}}");
    }
    if (path == "/v2/cria/bad/manifests/unknown") {
      return manifest(unknown_type, R"({"schemaVersion":2,"mediaType":")" + unknown_type +
                                        R"(","config":{},"layers":[]})");
    }
    if (path == "/v2/cria/bad/manifests/schema1") {
      return manifest(schema1_type,
                      R"({"schemaVersion":1,"name":"cria/bad","tag":"schema1","architecture":)"
                      R"("amd64","fsLayers":[{"blobSum":"sha256:)" +
                          it::HexOf(layer) + R"("}],"history":[{"v1Compatibility":"{}"}]})");
    }
    if (path == "/v2/cria/bad/blobs/" + layer) {
      // The full Content-Length, half the body, then the connection closes.
      std::string raw = HttpReply(200, "Content-Type: application/octet-stream\r\n", layer_body);
      raw.resize(raw.size() - layer_body.size() / 2);
      return std::optional<FakeReply>(FakeReply{raw});
    }
    return std::optional<FakeReply>();
  });
  const std::string name = bad.Name();

  grpc::Status s = env.Pull(name + ":huge");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(Contains(s.error_message(), "limit"));
  CheckNothingStored(env);

  s = env.Pull(name + ":unknown");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Contains(s.error_message(), unknown_type));
  CheckNothingStored(env);

  s = env.Pull(name + ":schema1");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(Contains(s.error_message(), "schema 1"));
  CheckNothingStored(env);

  // A manifest that does not match the digest it was fetched by.
  s = env.Pull(name + ":liar");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::DATA_LOSS);
  CHECK(Contains(s.error_message(), image.manifest_digest));
  CheckNothingStored(env);

  // A layer cut short: an error after the retries, nothing stored.
  s = env.Pull(name + ":good");
  INFO(s.error_message());
  CHECK_FALSE(s.ok());
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(s.error_message(), layer));
  CHECK(bad.Count("GET", bad.BlobPath(layer)) == 2);
  CheckNothingStored(env);
}

TEST_CASE("a truncated blob in a real registry's storage fails the pull, leaving nothing") {
  ImageEnv env;
  it::BuiltImage image = SmallImage("cut", true);
  PushOrFail(env.registry(), "cria/cut", "1", image);
  const std::string data = env.registry().BlobDataPath(image.layer_digests[1]);
  std::string content = reg::testing::ReadFile(data);
  REQUIRE(content.size() > 10);
  reg::testing::WriteFile(data, content.substr(0, content.size() / 2));
  grpc::Status s = env.Pull(env.Ref("cria/cut", "1"));
  INFO(s.error_message());
  CHECK_FALSE(s.ok());
  CHECK(s.error_code() == grpc::StatusCode::DATA_LOSS);
  CHECK(Contains(s.error_message(), image.layer_digests[1]));
  CheckNothingStored(env);
  CHECK_FALSE(env.LayerPresent(image.diff_ids[0]));
}

TEST_CASE("the daemons reach nothing but 127.0.0.1 directly: the rest goes to a dead proxy") {
  ImageEnv env("  pull_retries: 1\n");
  // 127.0.0.2 is loopback too, but not exempt from the proxy: the pull must fail at the
  // proxy, which shows that cria-image honours it (so docker.io could not be reached).
  grpc::Status s = env.Pull("127.0.0.2:" + std::to_string(reg::testing::FreePort()) + "/x/y:1");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  const std::string proxy_port = kDeadProxy.substr(kDeadProxy.find(':') + 1);
  CHECK(Contains(s.error_message(), "port " + proxy_port));
}

TEST_CASE("mirrors: docker.io images come from a local mirror, in the configured order") {
  TestRegistry mirror;
  REQUIRE(mirror.started());
  it::BuiltImage image = SmallImage("mirror");
  PushOrFail(mirror, "library/cria-mirror-test", "1", image);
  PushOrFail(mirror, "hub/library/cria-mirror-test", "1", image);
  const std::string full = "docker.io/library/cria-mirror-test:1";

  {
    // Only names the mirror has: the origin (docker.io) is never needed.
    ImageEnv env(
        "  unqualified_search_registries: [\"docker.io\"]\n"
        "  registry_mirrors: [\"docker.io=" +
        mirror.address() + "\"]\n");
    std::string image_ref;
    grpc::Status s = env.Pull("cria-mirror-test:1", &image_ref);
    INFO(s.error_message());
    REQUIRE(s.ok());
    CHECK(image_ref == image.config_digest);
    std::vector<runtime::v1::Image> images = env.List();
    REQUIRE(images.size() == 1);
    CHECK(Tags(images[0]) == std::vector<std::string>{full});
    REQUIRE(images[0].repo_digests_size() == 1);
    CHECK(images[0].repo_digests(0) ==
          "docker.io/library/cria-mirror-test@" + image.manifest_digest);
    ImageStatusResponse status;
    REQUIRE(env.Status("cria-mirror-test:1", &status).ok());
    CHECK(status.image().id() == image.config_digest);
    CHECK(Contains(mirror.log(), "GET /v2/library/cria-mirror-test/manifests/1"));
  }
  {
    // A dead mirror first, then a live one with a path: the second serves the pull.
    ImageEnv env(
        "  unqualified_search_registries: [\"docker.io\"]\n"
        "  registry_mirrors: [\"docker.io=" +
        DeadAddress() + "\", \"docker.io=" + mirror.address() + "/hub\"]\n");
    std::string image_ref;
    grpc::Status s = env.Pull(full, &image_ref);
    INFO(s.error_message());
    REQUIRE(s.ok());
    CHECK(image_ref == image.config_digest);
    std::vector<runtime::v1::Image> images = env.List();
    REQUIRE(images.size() == 1);
    CHECK(Tags(images[0]) == std::vector<std::string>{full});
    CHECK(Contains(mirror.log(), "GET /v2/hub/library/cria-mirror-test/manifests/1"));
  }
}

TEST_CASE("short names: search registries in order, and aliases") {
  TestRegistry first, second;
  REQUIRE(first.started());
  REQUIRE(second.started());
  it::BuiltImage app = SmallImage("app");
  it::BuiltImage aliased = SmallImage("aliased");
  PushOrFail(first, "cria/other", "1", aliased);  // the first has the repository namespace only
  PushOrFail(second, "cria/app", "1", app);
  PushOrFail(second, "cria/aliased", "1", aliased);
  ImageEnv env("  unqualified_search_registries: [\"" + first.address() + "\", \"" +
               second.address() + "\"]\n  short_name_aliases: [\"myalias=" + second.address() +
               "/cria/aliased\"]\n");

  // Not in the first registry (NOT_FOUND there): found in the second.
  std::string image_ref;
  grpc::Status s = env.Pull("cria/app:1", &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == app.config_digest);
  CHECK(Contains(first.log(), "GET /v2/cria/app/manifests/1"));
  ImageStatusResponse status;
  REQUIRE(env.Status(image_ref, &status).ok());
  CHECK(Tags(status.image()) == std::vector<std::string>{second.address() + "/cria/app:1"});
  // The short name finds the stored image.
  REQUIRE(env.Status("cria/app:1", &status).ok());
  CHECK(status.image().id() == app.config_digest);

  // An alias wins over the search registries.
  s = env.Pull("myalias:1", &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == aliased.config_digest);
  REQUIRE(env.Status(image_ref, &status).ok());
  CHECK(Tags(status.image()) == std::vector<std::string>{second.address() + "/cria/aliased:1"});
  REQUIRE(env.Status("myalias:1", &status).ok());
  CHECK(status.image().id() == aliased.config_digest);

  // In none of them: NOT_FOUND naming every registry tried.
  s = env.Pull("cria/nowhere:1");
  INFO(s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Contains(s.error_message(), first.address() + "/cria/nowhere:1"));
  CHECK(Contains(s.error_message(), second.address() + "/cria/nowhere:1"));
  CHECK(env.List().size() == 2);
}

TEST_CASE("local transports through PullImage: oci:, oci-archive:, docker-archive:") {
  ImageEnv env;
  TempDir dir;
  it::BuiltImage oci = SmallImage("oci", true);
  it::BuiltImage archive = SmallImage("oci-archive");
  it::BuiltImage docker = SmallImage("docker-archive", true);
  const std::string layout = dir.path() + "/layout";
  REQUIRE(it::WriteOciLayout(layout, oci, "example.com/cria/oci:1").ok());
  REQUIRE(it::WriteOciLayout(layout, archive, "v2").ok());  // a second image, a bare tag
  REQUIRE(
      it::WriteOciArchive(dir.path() + "/image.tar", archive, "example.com/cria/archive:1").ok());
  REQUIRE(it::WriteDockerArchive(dir.path() + "/docker.tar", docker, {"example.com/cria/docker:1"})
              .ok());

  struct Case {
    std::string image, id, name;
  };
  for (const Case& c : {
           Case{"oci:" + layout + ":example.com/cria/oci:1", oci.config_digest,
                "example.com/cria/oci:1"},
           Case{"oci-archive:" + dir.path() + "/image.tar:example.com/cria/archive:1",
                archive.config_digest, "example.com/cria/archive:1"},
           Case{"docker-archive:" + dir.path() + "/docker.tar", docker.config_digest,
                "example.com/cria/docker:1"},
       }) {
    INFO(c.image);
    std::string image_ref;
    grpc::Status s = env.Pull(c.image, &image_ref);
    INFO(s.error_message());
    REQUIRE(s.ok());
    CHECK(image_ref == c.id);
    ImageStatusResponse status;
    REQUIRE(env.Status(c.name, &status).ok());
    REQUIRE(status.has_image());
    CHECK(status.image().id() == c.id);
    CHECK(Tags(status.image()) == std::vector<std::string>{c.name});
  }
  // A layout entry named by a bare tag gives no name; the image is there by id.
  std::string image_ref;
  grpc::Status s = env.Pull("oci:" + layout + ":v2", &image_ref);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(image_ref == archive.config_digest);
  CHECK(env.List().size() == 3);
  // Bad local names: INVALID_ARGUMENT / NOT_FOUND naming them, nothing stored.
  s = env.Pull("oci:" + layout + ":nope");
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Contains(s.error_message(), "nope"));
  s = env.Pull("oci-archive:relative.tar");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(env.List().size() == 3);
  CHECK(fs::is_empty(env.stack().state_dir() + "/image/tmp"));
}

TEST_CASE("pinned_images are listed as pinned") {
  TestRegistry registry;
  REQUIRE(registry.started());
  it::BuiltImage pause = SmallImage("pause");
  it::BuiltImage by_digest = SmallImage("by-digest");
  it::BuiltImage other = SmallImage("other");
  PushOrFail(registry, "cria/pause", "3.9", pause);
  PushOrFail(registry, "cria/digest", "1", by_digest);
  PushOrFail(registry, "cria/other", "1", other);
  const std::string pinned_ref = registry.address() + "/cria/pause:3.9";
  const std::string digest_ref = registry.address() + "/cria/digest@" + by_digest.manifest_digest;
  ImageEnv env("  pinned_images: [\"" + pinned_ref + "\", \"" + digest_ref + "\"]\n");
  REQUIRE(env.Pull(pinned_ref).ok());
  REQUIRE(env.Pull(registry.address() + "/cria/digest:1").ok());  // pinned by its digest
  REQUIRE(env.Pull(registry.address() + "/cria/other:1").ok());
  std::map<std::string, bool> pinned;
  for (const runtime::v1::Image& image : env.List()) pinned[image.id()] = image.pinned();
  CHECK(pinned == std::map<std::string, bool>{{pause.config_digest, true},
                                              {by_digest.config_digest, true},
                                              {other.config_digest, false}});
  ImageStatusResponse status;
  REQUIRE(env.Status(pinned_ref, &status).ok());
  CHECK(status.image().pinned());
}

CommandResult Criactl(ImageEnv& env, std::vector<std::string> args) {
  std::vector<std::string> argv = {BinaryPath("criactl"), "-r", env.stack().CriEndpoint()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

TEST_CASE("criactl: pull, images, inspecti, rmi and imagefsinfo") {
  ImageEnv env;
  it::BuiltImage image = SmallImage("criactl");
  PushOrFail(env.registry(), "cria/ctl", "1", image);
  const std::string ref = env.Ref("cria/ctl", "1");

  CommandResult pull = Criactl(env, {"pull", ref});
  INFO(pull.output << pull.error);
  REQUIRE(pull.exit_code == 0);
  CHECK(pull.output == "Image is up to date for " + image.config_digest + "\n");

  CommandResult images = Criactl(env, {"images"});
  INFO(images.output << images.error);
  REQUIRE(images.exit_code == 0);
  CHECK(Contains(images.output, "IMAGE"));
  CHECK(Contains(images.output, env.registry().address() + "/cria/ctl"));
  CHECK(Contains(images.output, it::HexOf(image.config_digest).substr(0, 13)));

  CommandResult quiet = Criactl(env, {"images", "-q"});
  INFO(quiet.output << quiet.error);
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.output == image.config_digest + "\n");

  CommandResult inspect = Criactl(env, {"inspecti", ref});
  INFO(inspect.output << inspect.error);
  REQUIRE(inspect.exit_code == 0);
  rapidjson::Document json;
  json.Parse(inspect.output.c_str());
  REQUIRE(json.IsObject());
  REQUIRE(json.HasMember("status"));
  CHECK(std::string(json["status"]["id"].GetString()) == image.config_digest);
  CHECK(std::string(json["status"]["repoTags"][0].GetString()) == ref);
  CHECK(json.HasMember("info"));

  CommandResult fsinfo = Criactl(env, {"imagefsinfo"});
  INFO(fsinfo.output << fsinfo.error);
  REQUIRE(fsinfo.exit_code == 0);
  rapidjson::Document fs_json;
  fs_json.Parse(fsinfo.output.c_str());
  REQUIRE(fs_json.IsObject());
  REQUIRE(fs_json.HasMember("status"));
  REQUIRE(fs_json["status"].HasMember("imageFilesystems"));
  CHECK(fs_json["status"]["imageFilesystems"].IsArray());
  CHECK(fs_json["status"]["imageFilesystems"].Size() >= 1);

  CommandResult rmi = Criactl(env, {"rmi", ref});
  INFO(rmi.output << rmi.error);
  REQUIRE(rmi.exit_code == 0);
  CHECK(rmi.output == "Deleted: " + ref + "\n");
  CHECK(env.List().empty());
  CommandResult after = Criactl(env, {"images", "-q"});
  REQUIRE(after.exit_code == 0);
  CHECK(after.output.empty());
  CommandResult missing = Criactl(env, {"inspecti", ref});
  CHECK(missing.exit_code != 0);
}

}  // namespace
}  // namespace cria::testing

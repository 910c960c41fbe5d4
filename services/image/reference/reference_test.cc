#include "services/image/reference/reference.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

namespace cria::image::reference {
namespace {

const std::string kSha256 = "sha256:" + std::string(64, 'f');
const std::string kRedisDigest =
    "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";

struct ValidCase {
  std::string input;
  std::string registry;
  std::string repository;
  std::string tag;
  std::string digest;
};

// Cases from distribution/reference's reference_test.go (TestReferenceParse) and
// normalize_test.go (TestParseRepositoryInfo, TestNormalizedSplitHostname,
// TestParseAnyReference, TestValidateReferenceName, TestValidateRemoteName), with the
// results ParseNormalizedNamed + TagNameOnly give.
const std::vector<ValidCase>& ValidCases() {
  static const auto* cases = new std::vector<ValidCase>{
      {"busybox", "docker.io", "library/busybox", "latest", ""},
      {"test_com", "docker.io", "library/test_com", "latest", ""},
      {"test.com:tag", "docker.io", "library/test.com", "tag", ""},
      {"test.com:5000", "docker.io", "library/test.com", "5000", ""},
      {"test.com/repo:tag", "test.com", "repo", "tag", ""},
      {"test:5000/repo", "test:5000", "repo", "latest", ""},
      {"test:5000/repo:tag", "test:5000", "repo", "tag", ""},
      {"test:5000/repo@" + kSha256, "test:5000", "repo", "", kSha256},
      {"test:5000/repo:tag@" + kSha256, "test:5000", "repo", "tag", kSha256},
      {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", ""},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
       "some-long-tag", ""},
      {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
       "test.example.com", ""},
      {"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", ""},
      {"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + std::string(128, 'f'), "xn--7o8h.com",
       "myimage", "xn--7o8h.com", "sha512:" + std::string(128, 'f')},
      {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", ""},
      {"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", ""},
      {"192.168.1.1", "docker.io", "library/192.168.1.1", "latest", ""},
      {"192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", ""},
      {"192.168.1.1/repo", "192.168.1.1", "repo", "latest", ""},
      {"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", ""},
      {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest", ""},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", ""},
      {"[2001:db8::1]:5000/repo:tag@" + kSha256, "[2001:db8::1]:5000", "repo", "tag", kSha256},
      {"[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", "latest", ""},
      {"[::1]:5000/repo", "[::1]:5000", "repo", "latest", ""},
      {"[fc00::1]:5000/docker/docker", "[fc00::1]:5000", "docker/docker", "latest", ""},
      {"127.0.0.1:5000/library/debian", "127.0.0.1:5000", "library/debian", "latest", ""},
      {"fooo/bar", "docker.io", "fooo/bar", "latest", ""},
      {"index.docker.io/fooo/bar", "docker.io", "fooo/bar", "latest", ""},
      {"index.docker.io/debian", "docker.io", "library/debian", "latest", ""},
      {"docker.io/foo", "docker.io", "library/foo", "latest", ""},
      {"docker.io/library/foo/bar", "docker.io", "library/foo/bar", "latest", ""},
      {"library/ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", "latest", ""},
      {"store/foo/bar", "docker.io", "store/foo/bar", "latest", ""},
      {"test_com/foo", "docker.io", "test_com/foo", "latest", ""},
      {"test-com:8080/foo", "test-com:8080", "foo", "latest", ""},
      {"localhost/foo", "localhost", "foo", "latest", ""},
      {"localhost:5000/foo:1", "localhost:5000", "foo", "1", ""},
      {"Foo/bar", "Foo", "bar", "latest", ""},
      {"DOCKER/docker", "DOCKER", "docker", "latest", ""},
      {"docker---rules/docker", "docker.io", "docker---rules/docker", "latest", ""},
      {"dock__er/docker", "docker.io", "dock__er/docker", "latest", ""},
      {"d/docker", "docker.io", "d/docker", "latest", ""},
      {"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
       "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "latest", ""},
      {"docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "docker.io",
       "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "latest", ""},
      {"dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "docker.io",
       "library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "latest", ""},
      {"redis@" + kRedisDigest, "docker.io", "library/redis", "", kRedisDigest},
      {"dmcgowan/myapp@" + kRedisDigest, "docker.io", "dmcgowan/myapp", "", kRedisDigest},
      {"busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
       "docker.io", "library/busybox", "latest",
       "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"},
      {"registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", ""},
      {"example.com/a@sha384:" + std::string(96, '0'), "example.com", "a", "",
       "sha384:" + std::string(96, '0')},
      {"a/" + std::string(250, 'b'), "docker.io", "a/" + std::string(250, 'b'), "latest", ""},
      {"busybox:" + std::string(128, 't'), "docker.io", "library/busybox", std::string(128, 't'),
       ""},
  };
  return *cases;
}

struct InvalidCase {
  std::string input;
  std::string reason;  // a piece of the message
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::vector<InvalidCase>& InvalidCases() {
  static const auto* cases = new std::vector<InvalidCase>{
      {"", "empty"},
      {":justtag", "missing repository"},
      {"@" + kSha256, "missing repository"},
      {"repo@sha256:" + std::string(34, 'f'), "length"},
      {"validname@invaliddigest:" + std::string(64, 'f'), "unsupported digest algorithm"},
      {"repo@sha256:" + std::string(64, 'F'), "lowercase"},
      {"repo@sha256:abc", "hex digits"},
      {"repo@1sha:" + std::string(64, 'f'), "digest algorithm"},
      {"repo@", "algorithm:hex"},
      {"Uppercase:tag", "lowercase"},
      {"test:5000/Uppercase/lowercase:tag", "lowercase"},
      {"docker/Docker", "lowercase"},
      {"docker.io/docker/Docker", "lowercase"},
      {Repeat("a/", 128) + "a:tag", "more than 255"},
      {"this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_"
       "namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_"
       "its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_"
       "greater_than_255/docker",
       "more than 255"},
      {"aa/asdf$$^/aa", "invalid characters"},
      {"[2001:db8::1]", "invalid characters"},
      {"[2001:db8::1]:5000", "invalid characters"},
      {"[2001:db8::1]:tag", "invalid characters"},
      {"[fe80::1%eth0]:5000/repo", "IPv6"},
      {"[fe80::1%@invalidzone]:5000/repo", "IPv6"},
      {"[2001:db8:3:4::192.0.2.33]:5000/debian", "IPv6"},
      {"fc00::1:5000/debian", "bad port"},
      {"https://github.com/docker/docker", "bad port"},
      {"example.com:abc/foo", "bad port"},
      {"example.com:/foo", "bad port"},
      {"-docker", "invalid characters"},
      {"-docker/docker", "invalid characters"},
      {"docker-/docker", "invalid characters"},
      {"-docker-/docker", "invalid characters"},
      {"-docker.io/docker/docker", "host name component"},
      {"docker///docker", "empty repository path component"},
      {"docker.io/docker///docker", "empty repository path component"},
      {"docker/", "empty repository path component"},
      {"____/____", "invalid characters"},
      {"_docker/_docker", "invalid characters"},
      {"dock..er/docker", "host name component"},
      {"dock_.er/docker", "host name component"},
      {"dock-.er/docker", "host name component"},
      {"a___b", "invalid characters"},
      {"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "image ID"},
      {"busybox:", "empty tag"},
      {"busybox:-tag", "must start"},
      {"busybox:a+b", "may only hold"},
      {"busybox:a/b", "bad port"},  // "busybox:a" reads as a registry
      {"dock..er", "invalid characters"},
      {"dock_.er", "invalid characters"},
      {"busybox:" + std::string(129, 't'), "more than 128"},
      {"foo_bar.com/x", "host name component"},
      {"busy box", "invalid characters"},
  };
  return *cases;
}

TEST_CASE("valid references parse and normalise as distribution/reference does") {
  for (const ValidCase& c : ValidCases()) {
    INFO("input: " << c.input);
    auto parsed = ParseNormalized(c.input);
    REQUIRE(parsed.ok());
    CHECK(parsed->registry == c.registry);
    CHECK(parsed->repository == c.repository);
    CHECK(parsed->tag == c.tag);
    CHECK(parsed->digest == c.digest);
  }
  CHECK(ValidCases().size() >= 30);
}

TEST_CASE("invalid references are InvalidArgument naming the input and the reason") {
  for (const InvalidCase& c : InvalidCases()) {
    INFO("input: " << c.input);
    auto parsed = ParseNormalized(c.input);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    std::string message = MessageOf(parsed.status());
    INFO("message: " << message);
    CHECK(message.find("\"" + c.input + "\"") != std::string::npos);
    CHECK(message.find(c.reason) != std::string::npos);
  }
  CHECK(InvalidCases().size() >= 30);
}

TEST_CASE("String, NameOnly and Familiar forms") {
  Reference r = ParseNormalized("busybox").value();
  CHECK(r.String() == "docker.io/library/busybox:latest");
  CHECK(r.NameOnly() == "docker.io/library/busybox");
  CHECK(r.Familiar() == "busybox:latest");

  r = ParseNormalized("user/app:v1").value();
  CHECK(r.String() == "docker.io/user/app:v1");
  CHECK(r.Familiar() == "user/app:v1");

  r = ParseNormalized("docker.io/library/foo/bar").value();
  CHECK(r.Familiar() == "library/foo/bar:latest");

  r = ParseNormalized("registry.k8s.io/pause:3.9").value();
  CHECK(r.Familiar() == "registry.k8s.io/pause:3.9");
  CHECK(r.NameOnly() == "registry.k8s.io/pause");

  std::string digested = "redis@" + kRedisDigest;
  r = ParseNormalized(digested).value();
  CHECK(r.String() == "docker.io/library/redis@" + kRedisDigest);
  CHECK(r.Familiar() == digested);

  std::string both =
      "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  r = ParseNormalized(both).value();
  CHECK(r.String() == "docker.io/library/" + both);
  CHECK(r.Familiar() == both);

  r = ParseNormalized("[::1]:5000/foo/bar:t").value();
  CHECK(r.String() == "[::1]:5000/foo/bar:t");
}

TEST_CASE("String and Familiar round-trip through ParseNormalized") {
  for (const ValidCase& c : ValidCases()) {
    INFO("input: " << c.input);
    Reference r = ParseNormalized(c.input).value();
    auto from_string = ParseNormalized(r.String());
    REQUIRE(from_string.ok());
    CHECK(*from_string == r);
    CHECK(from_string->String() == r.String());
    auto from_familiar = ParseNormalized(r.Familiar());
    REQUIRE(from_familiar.ok());
    CHECK(*from_familiar == r);
  }
}

TEST_CASE("ambiguous spellings of one repository give one canonical name") {
  // normalize_test.go TestParseRepositoryInfo: familiar, full and ambiguous names.
  struct Info {
    std::vector<std::string> spellings;
    std::string familiar;
    std::string full;
  };
  std::vector<Info> infos = {
      {{"fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar"},
       "fooo/bar",
       "docker.io/fooo/bar"},
      {{"ubuntu", "docker.io/library/ubuntu", "library/ubuntu"},
       "ubuntu",
       "docker.io/library/ubuntu"},
      {{"nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu"},
       "nonlibrary/ubuntu",
       "docker.io/nonlibrary/ubuntu"},
      {{"other/library", "docker.io/other/library"}, "other/library", "docker.io/other/library"},
      {{"127.0.0.1:8000/private/moonbase"},
       "127.0.0.1:8000/private/moonbase",
       "127.0.0.1:8000/private/moonbase"},
      {{"example.com:8000/privatebasee"},
       "example.com:8000/privatebasee",
       "example.com:8000/privatebasee"},
      {{"ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base",
        "index.docker.io/library/ubuntu-12.04-base"},
       "ubuntu-12.04-base",
       "docker.io/library/ubuntu-12.04-base"},
      {{"foo", "docker.io/library/foo", "docker.io/foo"}, "foo", "docker.io/library/foo"},
      {{"FOO/bar"}, "FOO/bar", "FOO/bar"},
  };
  for (const Info& info : infos) {
    for (const std::string& spelling : info.spellings) {
      INFO("spelling: " << spelling);
      Reference r = ParseNormalized(spelling).value();
      CHECK(r.NameOnly() == info.full);
      CHECK(r.Familiar() == info.familiar + ":latest");
    }
  }
}

TEST_CASE("short names are those without a registry") {
  CHECK(IsShortName("busybox"));
  CHECK(IsShortName("busybox:1.36"));
  CHECK(IsShortName("user/app"));
  CHECK(IsShortName("user/app@" + kSha256));
  CHECK(IsShortName("library/busybox"));
  CHECK(IsShortName("192.168.1.1:5000"));  // a name with a tag, as distribution reads it
  CHECK_FALSE(IsShortName("docker.io/busybox"));
  CHECK_FALSE(IsShortName("quay.io/user/app:v1"));
  CHECK_FALSE(IsShortName("localhost/app"));
  CHECK_FALSE(IsShortName("myhost:5000/app"));
  CHECK_FALSE(IsShortName("[::1]:5000/app"));
  CHECK_FALSE(IsShortName("Foo/bar"));
}

TEST_CASE("short names resolve through search registries in order") {
  std::vector<std::string> search = {"quay.io", "docker.io"};
  auto got = ResolveShortName("busybox", search, {});
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].String() == "quay.io/busybox:latest");
  CHECK((*got)[1].String() == "docker.io/library/busybox:latest");

  got = ResolveShortName("user/app:v2", search, {});
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].String() == "quay.io/user/app:v2");
  CHECK((*got)[1].String() == "docker.io/user/app:v2");

  got = ResolveShortName("busybox@" + kSha256, {"localhost:5000", "index.docker.io"}, {});
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].String() == "localhost:5000/busybox@" + kSha256);
  CHECK((*got)[1].String() == "docker.io/library/busybox@" + kSha256);
}

TEST_CASE("an alias wins alone and keeps the tag and digest") {
  std::vector<std::string> search = {"quay.io", "docker.io"};
  std::map<std::string, std::string> aliases = {
      {"busybox", "docker.io/library/busybox"},
      {"pause", "registry.k8s.io/pause"},
  };
  auto got = ResolveShortName("busybox", search, aliases);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].String() == "docker.io/library/busybox:latest");

  got = ResolveShortName("pause:3.9", search, aliases);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].String() == "registry.k8s.io/pause:3.9");

  got = ResolveShortName("pause:3.9@" + kSha256, {}, aliases);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].String() == "registry.k8s.io/pause:3.9@" + kSha256);

  // Aliases match the short name exactly: "library/busybox" is not "busybox".
  got = ResolveShortName("library/busybox", search, aliases);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].String() == "quay.io/library/busybox:latest");
}

TEST_CASE("fully qualified names resolve to themselves") {
  std::map<std::string, std::string> aliases = {{"busybox", "quay.io/other/busybox"}};
  auto got = ResolveShortName("docker.io/busybox:1", {"quay.io"}, aliases);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].String() == "docker.io/library/busybox:1");

  got = ResolveShortName("[::1]:5000/busybox", {}, {});
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].String() == "[::1]:5000/busybox:latest");
}

TEST_CASE("short-name resolution errors") {
  auto got = ResolveShortName("busybox", {}, {});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(got.status()).find("busybox") != std::string::npos);

  got = ResolveShortName("Busybox", {"quay.io"}, {});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(got.status()).find("\"Busybox\"") != std::string::npos);

  got = ResolveShortName("busybox", {"notahost"}, {});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(got.status()).find("notahost") != std::string::npos);

  got = ResolveShortName("busybox", {"bad:port"}, {});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(got.status()).find("bad port") != std::string::npos);

  got = ResolveShortName("busybox", {"quay.io"}, {{"busybox", "busybox2"}});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(got.status()).find("not a fully qualified") != std::string::npos);

  got = ResolveShortName("busybox", {"quay.io"}, {{"busybox", "docker.io/library/busybox:1"}});
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(got.status()).find("tag or digest") != std::string::npos);
}

}  // namespace
}  // namespace cria::image::reference

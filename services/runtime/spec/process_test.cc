// The process part of the spec: command line, working directory, environment, capabilities.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "libs/config/config.h"
#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/environment.h"
#include "services/runtime/spec/process_args.h"
#include "services/runtime/spec/testing.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;
using Catch::Contains;
using Strings = std::vector<std::string>;

cria::image::v1::ImageConfig Image(Strings entrypoint, Strings cmd) {
  cria::image::v1::ImageConfig image;
  for (const auto& e : entrypoint) image.add_entrypoint(e);
  for (const auto& c : cmd) image.add_cmd(c);
  return image;
}

cri::ContainerConfig Config(Strings command, Strings args) {
  cri::ContainerConfig config;
  for (const auto& c : command) config.add_command(c);
  for (const auto& a : args) config.add_args(a);
  return config;
}

TEST_CASE("process args follow Kubernetes' command and args rules") {
  const auto image = Image({"/entry", "-x"}, {"serve", "--port=80"});
  auto args = [&](Strings command, Strings a) {
    Result<Strings> r = ProcessArgs(Config(command, a), image, "img");
    REQUIRE(r.ok());
    return *r;
  };
  SECTION("neither: entrypoint + cmd") {
    CHECK(args({}, {}) == Strings{"/entry", "-x", "serve", "--port=80"});
  }
  SECTION("args only: entrypoint + args") {
    CHECK(args({}, {"debug"}) == Strings{"/entry", "-x", "debug"});
  }
  SECTION("command only: command, the image's cmd dropped") {
    CHECK(args({"/bin/sh"}, {}) == Strings{"/bin/sh"});
  }
  SECTION("command and args") {
    CHECK(args({"/bin/sh"}, {"-c", "true"}) == Strings{"/bin/sh", "-c", "true"});
  }
  SECTION("an image with cmd only") {
    Result<Strings> r = ProcessArgs(Config({}, {}), Image({}, {"/bin/app"}), "img");
    REQUIRE(r.ok());
    CHECK(*r == Strings{"/bin/app"});
  }
}

TEST_CASE("nothing to run is InvalidArgument naming the image") {
  Result<Strings> r = ProcessArgs(Config({}, {}), Image({}, {}), "docker.io/library/empty:1");
  REQUIRE(r.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(r.status()), Contains("docker.io/library/empty:1"));
}

TEST_CASE("the working directory: CRI, else image, else /") {
  cria::image::v1::ImageConfig image;
  cri::ContainerConfig config;
  CHECK(*ProcessCwd(config, image) == "/");
  image.set_working_dir("/srv");
  CHECK(*ProcessCwd(config, image) == "/srv");
  config.set_working_dir("/work");
  CHECK(*ProcessCwd(config, image) == "/work");
  config.set_working_dir("relative");
  Result<std::string> bad = ProcessCwd(config, image);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(bad.status()), Contains("relative"));
}

google::protobuf::RepeatedPtrField<std::string> ImageEnv(Strings env) {
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const auto& e : env) *out.Add() = e;
  return out;
}

google::protobuf::RepeatedPtrField<cri::KeyValue> CriEnv(
    std::vector<std::pair<std::string, std::string>> env) {
  google::protobuf::RepeatedPtrField<cri::KeyValue> out;
  for (const auto& [k, v] : env) {
    cri::KeyValue* kv = out.Add();
    kv->set_key(k);
    kv->set_value(v);
  }
  return out;
}

TEST_CASE("the environment: defaults, then the image's, then the CRI's, by name") {
  Result<Strings> env =
      BuildEnv(ImageEnv({"PATH=/opt/bin", "LANG=C", "EMPTY", "=broken"}),
               CriEnv({{"LANG", "C.UTF-8"}, {"FOO", "a=b"}, {"HOSTNAME", "mine"}}), "web-0",
               /*tty=*/false);
  REQUIRE(env.ok());
  CHECK(*env == Strings{"PATH=/opt/bin", "HOSTNAME=mine", "LANG=C.UTF-8", "EMPTY=", "FOO=a=b"});
}

TEST_CASE("the environment gets the default PATH, HOSTNAME and TERM with a tty") {
  Result<Strings> env = BuildEnv(ImageEnv({}), CriEnv({}), "web-0", /*tty=*/true);
  REQUIRE(env.ok());
  CHECK(*env == Strings{kDefaultPath, "HOSTNAME=web-0", "TERM=xterm"});
}

TEST_CASE("the node's default env: over the defaults, under the image's and the CRI's") {
  Result<Strings> env =
      BuildEnv(ImageEnv({"LANG=C", "PATH=/opt/bin"}), CriEnv({{"ZONE", "b"}}), "web-0", false,
               {"ZONE=a", "LANG=C.UTF-8", "PROXY=", "HOSTNAME=x"});
  REQUIRE(env.ok());
  CHECK(*env == Strings{"PATH=/opt/bin", "HOSTNAME=x", "ZONE=b", "LANG=C", "PROXY="});
}

TEST_CASE("a CRI env without a proper name is refused") {
  CHECK(BuildEnv(ImageEnv({}), CriEnv({{"", "x"}}), "h", false).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(BuildEnv(ImageEnv({}), CriEnv({{"A=B", "x"}}), "h", false).status().code() ==
        StatusCode::kInvalidArgument);
}

Capabilities Caps(Strings add, Strings drop, bool privileged = false, Strings ambient = {},
                  Strings host = KnownCapabilities()) {
  cri::Capability requested;
  for (const auto& a : add) requested.add_add_capabilities(a);
  for (const auto& d : drop) requested.add_drop_capabilities(d);
  for (const auto& a : ambient) requested.add_add_ambient_capabilities(a);
  Result<Capabilities> caps = BuildCapabilities(requested, privileged, DefaultCapabilities(), host);
  REQUIRE(caps.ok());
  return *caps;
}

const Strings kDefaultsInOrder = {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",
                                  "CAP_FSETID", "CAP_KILL",         "CAP_SETGID",
                                  "CAP_SETUID", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE"};

TEST_CASE("capabilities: the default set of DESIGN.md") {
  Capabilities caps = Caps({}, {});
  CHECK(caps.bounding == kDefaultsInOrder);
  CHECK(caps.effective == kDefaultsInOrder);
  CHECK(caps.permitted == kDefaultsInOrder);
  CHECK(caps.inheritable.empty());
  CHECK(caps.ambient.empty());
}

TEST_CASE("capabilities: add and drop, with or without the CAP_ prefix") {
  Capabilities caps = Caps({"NET_ADMIN", "cap_sys_time"}, {"CAP_CHOWN", "kill"});
  CHECK(caps.bounding == Strings{"CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_SETGID",
                                 "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                                 "CAP_NET_ADMIN", "CAP_SYS_TIME"});
}

TEST_CASE("capabilities: ALL in drop, then the adds") {
  CHECK(Caps({"NET_RAW"}, {"ALL"}).bounding == Strings{"CAP_NET_RAW"});
  CHECK(Caps({}, {"all"}).bounding.empty());
}

TEST_CASE("capabilities: ALL in add, then the drops") {
  Capabilities caps = Caps({"ALL"}, {"SYS_ADMIN"});
  CHECK(caps.bounding.size() == KnownCapabilities().size() - 1);
  CHECK(std::find(caps.bounding.begin(), caps.bounding.end(), "CAP_SYS_ADMIN") ==
        caps.bounding.end());
}

TEST_CASE("capabilities: privileged gets every capability the host holds") {
  CHECK(Caps({}, {"ALL"}, /*privileged=*/true).bounding == KnownCapabilities());
  Strings host = {"CAP_CHOWN", "CAP_SYS_ADMIN"};
  CHECK(Caps({}, {}, true, {}, host).bounding == host);
}

TEST_CASE("capabilities: ambient ones go into every set") {
  Capabilities caps = Caps({}, {"ALL"}, false, {"NET_BIND_SERVICE"});
  const Strings one = {"CAP_NET_BIND_SERVICE"};
  CHECK(caps.bounding == one);
  CHECK(caps.effective == one);
  CHECK(caps.permitted == one);
  CHECK(caps.inheritable == one);
  CHECK(caps.ambient == one);
}

TEST_CASE("capabilities: unknown names and capabilities the host lacks are refused") {
  cri::Capability requested;
  requested.add_add_capabilities("FLY");
  Result<Capabilities> r =
      BuildCapabilities(requested, false, DefaultCapabilities(), KnownCapabilities());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(r.status()), Contains("FLY"));

  cri::Capability resource;
  resource.add_add_capabilities("SYS_RESOURCE");
  Strings host = CapabilitiesFromMask(0x000001fffeffffffULL);  // this machine: no SYS_RESOURCE
  r = BuildCapabilities(resource, false, DefaultCapabilities(), host);
  CHECK(r.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(MessageOf(r.status()), Contains("CAP_SYS_RESOURCE"));
}

TEST_CASE("capability masks and names") {
  CHECK(CapabilitiesFromMask(0) == Strings{});
  CHECK(CapabilitiesFromMask(0x21) == Strings{"CAP_CHOWN", "CAP_KILL"});
  Strings most = CapabilitiesFromMask(0x000001fffeffffffULL);
  CHECK(most.size() == 40);
  CHECK(std::find(most.begin(), most.end(), "CAP_SYS_RESOURCE") == most.end());
  CHECK(*NormalizeCapability("net_admin") == "CAP_NET_ADMIN");
  CHECK(*NormalizeCapability("CAP_BPF") == "CAP_BPF");
  CHECK(NormalizeCapability("CAP_").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("runtime.default_capabilities: normalized, without repeats, in number order") {
  // The config's embedded default is DESIGN.md's set.
  Result<Strings> embedded = NormalizeCapabilities(config::Config{}.runtime.default_capabilities);
  REQUIRE(embedded.ok());
  CHECK(*embedded == kDefaultsInOrder);
  Result<Strings> mine = NormalizeCapabilities({"kill", "CAP_NET_RAW", "chown", "KILL"});
  REQUIRE(mine.ok());
  CHECK(*mine == Strings{"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"});
  CHECK(NormalizeCapabilities({}).value().empty());
  Result<Strings> bad = NormalizeCapabilities({"CHOWN", "FLY"});
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(bad.status()), Contains("\"FLY\""));
  // They replace the built-in set; the request's adds and drops apply on top.
  cri::Capability requested;
  requested.add_add_capabilities("SYS_CHROOT");
  requested.add_drop_capabilities("KILL");
  Result<Capabilities> caps = BuildCapabilities(requested, false, *mine, KnownCapabilities());
  REQUIRE(caps.ok());
  CHECK(caps->bounding == Strings{"CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_CHROOT"});
}

}  // namespace
}  // namespace cria::runtime::spec

#include "tools/criactl/output/runtime_status.h"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "tools/criactl/output/status_json.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
constexpr int64_t kSecond = 1000000000;
constexpr int64_t kNow = 1700000000 * kSecond;

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

cri::PodSandboxStatusResponse PodResponse() {
  cri::PodSandboxStatusResponse r;
  auto* s = r.mutable_status();
  s->set_id("pod1");
  s->mutable_metadata()->set_name("web");
  s->mutable_metadata()->set_namespace_("default");
  s->mutable_metadata()->set_uid("u1");
  s->set_state(cri::SANDBOX_READY);
  s->set_created_at(kNow + 250000000);
  s->mutable_network()->set_ip("10.88.0.5");
  s->mutable_network()->add_additional_ips()->set_ip("fd00::5");
  (*s->mutable_labels())["app"] = "web";
  (*r.mutable_info())["info"] = R"({"netns":"/run/netns/x","pid":0})";
  return r;
}

cri::ContainerStatusResponse ContainerResponse(cri::ContainerState state) {
  cri::ContainerStatusResponse r;
  auto* s = r.mutable_status();
  s->set_id("c1");
  s->mutable_metadata()->set_name("app");
  s->set_state(state);
  s->set_created_at(kNow - 300 * kSecond);
  s->set_started_at(kNow - 200 * kSecond);
  s->set_finished_at(state == cri::CONTAINER_EXITED ? kNow - 100 * kSecond : 0);
  s->set_exit_code(state == cri::CONTAINER_EXITED ? 3 : 0);
  s->mutable_image()->set_image("busybox");
  s->set_log_path("/var/log/pods/app/0.log");
  (*r.mutable_info())["info"] = R"({"pid":42,"runtimeSpec":{"ociVersion":"1.0.2"}})";
  return r;
}

TEST_CASE("pod status JSON: every field, createdAt as RFC3339Nano") {
  setenv("TZ", "UTC", 1);
  tzset();
  rapidjson::Document doc = Parse(PodStatusJson(PodResponse().status()));
  CHECK(std::string(doc["createdAt"].GetString()) == "2023-11-14T22:13:20.25Z");
  CHECK(std::string(doc["state"].GetString()) == "SANDBOX_READY");
  CHECK(std::string(doc["network"]["ip"].GetString()) == "10.88.0.5");
  // Unset message fields are there as null, as crictl's marshalMapInOrder writes them.
  REQUIRE(doc.HasMember("linux"));
  CHECK(doc["linux"].IsNull());
  CHECK(doc.HasMember("runtimeHandler"));
  CHECK(doc["annotations"].IsObject());
}

TEST_CASE("container status JSON: times by state") {
  setenv("TZ", "UTC", 1);
  tzset();
  rapidjson::Document created =
      Parse(ContainerStatusJson(ContainerResponse(cri::CONTAINER_CREATED).status()));
  CHECK(std::string(created["createdAt"].GetString()) == "2023-11-14T22:08:20Z");
  CHECK(std::string(created["startedAt"].GetString()) == "0001-01-01T00:00:00Z");
  CHECK(std::string(created["finishedAt"].GetString()) == "0001-01-01T00:00:00Z");
  rapidjson::Document running =
      Parse(ContainerStatusJson(ContainerResponse(cri::CONTAINER_RUNNING).status()));
  CHECK(std::string(running["startedAt"].GetString()) == "2023-11-14T22:10:00Z");
  CHECK(std::string(running["finishedAt"].GetString()) == "0001-01-01T00:00:00Z");
  rapidjson::Document exited =
      Parse(ContainerStatusJson(ContainerResponse(cri::CONTAINER_EXITED).status()));
  CHECK(std::string(exited["finishedAt"].GetString()) == "2023-11-14T22:11:40Z");
  CHECK(exited["exitCode"].GetInt() == 3);
  CHECK(std::string(exited["logPath"].GetString()) == "/var/log/pods/app/0.log");
  CHECK(exited["resources"].IsNull());
  cri::ContainerStatus unknown = ContainerResponse(cri::CONTAINER_EXITED).status();
  unknown.set_state(cri::CONTAINER_UNKNOWN);
  CHECK(std::string(Parse(ContainerStatusJson(unknown))["finishedAt"].GetString()) ==
        "2023-11-14T22:11:40Z");
}

TEST_CASE("inspect output: {status, info} as crictl prints it") {
  setenv("TZ", "UTC", 1);
  tzset();
  cri::ContainerStatusResponse r = ContainerResponse(cri::CONTAINER_RUNNING);
  Result<std::string> json = StatusDataJson(
      {StatusData{ContainerStatusJson(r.status()), {r.info().begin(), r.info().end()}}});
  REQUIRE(json.ok());
  rapidjson::Document doc = Parse(*json);
  CHECK(doc["info"]["pid"].GetInt() == 42);
  CHECK(std::string(doc["info"]["runtimeSpec"]["ociVersion"].GetString()) == "1.0.2");
  CHECK(std::string(doc["status"]["id"].GetString()) == "c1");
  CHECK(json->rfind("{\n  \"info\": {\n", 0) == 0);  // keys sorted, two-space indent
}

TEST_CASE("inspectp -o table") {
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(PodStatusTable(PodResponse(), true) ==
        "ID: pod1\nName: web\nUID: u1\nNamespace: default\nAttempt: 0\nStatus: SANDBOX_READY\n"
        "Created: 2023-11-14 22:13:20.25 +0000 UTC\nIP Addresses: 10.88.0.5\n"
        "Additional IP: fd00::5\nLabels:\n\tapp -> web\n"
        "Info: map[info:{\"netns\":\"/run/netns/x\",\"pid\":0}]\n");
  CHECK(PodStatusTable(PodResponse(), false).find("Info:") == std::string::npos);
}

TEST_CASE("inspect -o table") {
  CHECK(ContainerStatusTable(ContainerResponse(cri::CONTAINER_EXITED), false, kNow) ==
        "ID: c1\nName: app\nState: CONTAINER_EXITED\nCreated: 5 minutes ago\n"
        "Started: 3 minutes ago\nFinished: About a minute ago\nExit Code: 3\n");
  CHECK(ContainerStatusTable(ContainerResponse(cri::CONTAINER_CREATED), false, kNow) ==
        "ID: c1\nName: app\nState: CONTAINER_CREATED\nCreated: 5 minutes ago\n");
  std::string verbose = ContainerStatusTable(ContainerResponse(cri::CONTAINER_RUNNING), true, kNow);
  CHECK(verbose.find("Info: map[info:{\"pid\":42,") != std::string::npos);
}

}  // namespace
}  // namespace cria::criactl

#include "tools/criactl/client/list_filter.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

cri::PodSandbox Pod(const std::string& id, const std::string& name, const std::string& ns,
                    int64_t created) {
  cri::PodSandbox p;
  p.set_id(id);
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_(ns);
  p.set_created_at(created);
  return p;
}

cri::Container Ctr(const std::string& id, const std::string& name, const std::string& ns,
                   int64_t created, const std::string& image = "busybox") {
  cri::Container c;
  c.set_id(id);
  c.mutable_metadata()->set_name(name);
  if (!ns.empty()) (*c.mutable_labels())[kPodNamespaceLabel] = ns;
  c.set_created_at(created);
  c.mutable_image()->set_image(image);
  return c;
}

std::vector<std::string> Ids(const auto& items) {
  std::vector<std::string> ids;
  for (const auto& i : items) ids.push_back(i.id());
  return ids;
}

TEST_CASE("labels are key=value, one '=' each") {
  Result<std::map<std::string, std::string>> ok = ParseLabels({"app=web", "tier=", "a=b"});
  REQUIRE(ok.ok());
  CHECK(*ok == std::map<std::string, std::string>{{"app", "web"}, {"tier", ""}, {"a", "b"}});
  for (const char* bad : {"app", "a=b=c"}) {
    Result<std::map<std::string, std::string>> r = ParseLabels({bad});
    REQUIRE_FALSE(r.ok());
    CHECK(MessageOf(r.status()) == std::string("incorrectly specified label: ") + bad);
  }
}

TEST_CASE("pod filters from flags") {
  PodListFlags flags;
  Result<cri::PodSandboxFilter> none = PodFilter(flags);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_state());
  CHECK(none->id().empty());
  CHECK(none->label_selector().empty());

  flags.id = "abc";
  flags.state = "Ready";
  flags.labels = {"app=web"};
  Result<cri::PodSandboxFilter> f = PodFilter(flags);
  REQUIRE(f.ok());
  CHECK(f->id() == "abc");
  CHECK(f->state().state() == cri::SANDBOX_READY);
  CHECK(f->label_selector().at("app") == "web");
  flags.state = "notready";
  CHECK(PodFilter(flags)->state().state() == cri::SANDBOX_NOTREADY);
  flags.state = "running";
  CHECK(MessageOf(PodFilter(flags).status()) == "--state should be ready or notready");
  flags.state.clear();
  flags.labels = {"bad"};
  CHECK_FALSE(PodFilter(flags).ok());
}

TEST_CASE("pods: regular expressions, newest first, --latest and --last") {
  std::vector<cri::PodSandbox> pods = {Pod("a", "web-1", "default", 10), Pod("b", "db", "prod", 30),
                                       Pod("c", "web-2", "prod", 20)};
  PodListFlags flags;
  CHECK(Ids(SelectPods(pods, flags)) == std::vector<std::string>{"b", "c", "a"});
  flags.name = "^web";
  CHECK(Ids(SelectPods(pods, flags)) == std::vector<std::string>{"c", "a"});
  flags.pod_namespace = "prod";
  CHECK(Ids(SelectPods(pods, flags)) == std::vector<std::string>{"c"});
  flags = {};
  flags.latest = true;
  CHECK(Ids(SelectPods(pods, flags)) == std::vector<std::string>{"b"});
  flags.latest = false;
  flags.last = 2;
  CHECK(Ids(SelectPods(pods, flags)) == std::vector<std::string>{"b", "c"});
  flags.last = 10;
  CHECK(SelectPods(pods, flags).size() == 3);
  flags = {};
  flags.name = "([";  // a bad pattern matches nothing, as in crictl
  CHECK(SelectPods(pods, flags).empty());
}

TEST_CASE("container filters from flags: running by default") {
  ContainerListFlags flags;
  Result<cri::ContainerFilter> f = ContainerFilter(flags);
  REQUIRE(f.ok());
  REQUIRE(f->has_state());
  CHECK(f->state().state() == cri::CONTAINER_RUNNING);

  flags.all = true;
  CHECK_FALSE(ContainerFilter(flags)->has_state());
  flags.state = "EXITED";
  CHECK(ContainerFilter(flags)->state().state() == cri::CONTAINER_EXITED);
  flags.state = "created";
  CHECK(ContainerFilter(flags)->state().state() == cri::CONTAINER_CREATED);
  flags.state = "unknown";
  CHECK(ContainerFilter(flags)->state().state() == cri::CONTAINER_UNKNOWN);
  flags.state = "paused";
  CHECK(MessageOf(ContainerFilter(flags).status()) ==
        "--state should be one of created, running, exited or unknown");

  flags = {};
  flags.latest = true;  // any state
  CHECK_FALSE(ContainerFilter(flags)->has_state());
  flags = {};
  flags.last = 3;
  flags.state = "running";
  CHECK_FALSE(ContainerFilter(flags)->has_state());

  flags = {};
  flags.id = "123";
  flags.pod = "abc";
  flags.labels = {"io.kubernetes.pod.name=web"};
  f = ContainerFilter(flags);
  CHECK(f->id() == "123");
  CHECK(f->pod_sandbox_id() == "abc");
  CHECK(f->label_selector().at(kPodNameLabel) == "web");
}

TEST_CASE("containers: name, pod namespace, image, newest first, --last") {
  std::vector<cri::Container> cs = {Ctr("1", "app", "default", 1),
                                    Ctr("2", "sidecar", "kube-system", 3, "envoy"),
                                    Ctr("3", "app", "", 2)};
  ContainerListFlags flags;
  auto all = SelectContainers(cs, flags, nullptr);
  REQUIRE(all.ok());
  CHECK(Ids(*all) == std::vector<std::string>{"2", "3", "1"});
  flags.name = "app";
  CHECK(Ids(*SelectContainers(cs, flags, nullptr)) == std::vector<std::string>{"3", "1"});
  flags.pod_namespace = "^unknown$";  // no namespace label: "unknown", as crictl
  CHECK(Ids(*SelectContainers(cs, flags, nullptr)) == std::vector<std::string>{"3"});
  flags = {};
  flags.image = "busybox";
  ImageMatcher by_name = [](const cri::Container& c) -> Result<bool> {
    return c.image().image() == "busybox";
  };
  CHECK(Ids(*SelectContainers(cs, flags, by_name)) == std::vector<std::string>{"3", "1"});
  flags.last = 1;
  CHECK(Ids(*SelectContainers(cs, flags, by_name)) == std::vector<std::string>{"3"});
  ImageMatcher broken = [](const cri::Container&) -> Result<bool> {
    return Status(StatusCode::kUnavailable, "down");
  };
  CHECK_FALSE(SelectContainers(cs, flags, broken).ok());
}

}  // namespace
}  // namespace cria::criactl

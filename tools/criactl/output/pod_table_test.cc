#include "tools/criactl/output/pod_table.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
constexpr int64_t kSecond = 1000000000;
constexpr int64_t kNow = 1700000000 * kSecond;

std::vector<cri::PodSandbox> Pods() {
  cri::PodSandbox a;
  a.set_id("5f2a9b1c0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c");
  a.mutable_metadata()->set_name("nginx-sandbox");
  a.mutable_metadata()->set_namespace_("default");
  a.mutable_metadata()->set_uid("uid-1");
  a.mutable_metadata()->set_attempt(1);
  a.set_state(cri::SANDBOX_READY);
  a.set_created_at(kNow - 125 * kSecond);
  (*a.mutable_labels())["app"] = "nginx";
  (*a.mutable_labels())["tier"] = "web";
  cri::PodSandbox b;
  b.set_id("short");
  b.mutable_metadata()->set_name("b");
  b.mutable_metadata()->set_namespace_("kube-system");
  b.set_state(cri::SANDBOX_NOTREADY);
  b.set_created_at(kNow - 3 * 3600 * kSecond);
  b.set_runtime_handler("crun");
  return {a, b};
}

TEST_CASE("pods table: crictl's columns, ids cut to 13, created ago") {
  CHECK(PodTable(Pods(), false, kNow) ==
        "POD ID              CREATED             STATE               NAME                "
        "NAMESPACE           ATTEMPT             RUNTIME\n"
        "5f2a9b1c0d3e4       2 minutes ago       Ready               nginx-sandbox       "
        "default             1                   (default)\n"
        "short               3 hours ago         NotReady            b                   "
        "kube-system         0                   crun\n");
}

TEST_CASE("pods table with --no-trunc keeps the full id") {
  std::string table = PodTable(Pods(), true, kNow);
  CHECK(table.find("5f2a9b1c0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c   2 "
                   "minutes ago") != std::string::npos);
  CHECK(PodTable({}, false, kNow) ==
        "POD ID              CREATED             STATE               NAME                "
        "NAMESPACE           ATTEMPT             RUNTIME\n");
}

TEST_CASE("pods -q and -v") {
  CHECK(PodIds(Pods()) ==
        "5f2a9b1c0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c\nshort\n");
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(PodsVerbose(Pods()) ==
        "ID: 5f2a9b1c0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c\n"
        "Name: nginx-sandbox\nUID: uid-1\nNamespace: default\nAttempt: 1\nStatus: Ready\n"
        "Created: 2023-11-14 22:11:15 +0000 UTC\n"
        "Labels:\n\tapp -> nginx\n\ttier -> web\nRuntime: (default)\n\n"
        "ID: short\nName: b\nNamespace: kube-system\nStatus: NotReady\n"
        "Created: 2023-11-14 19:13:20 +0000 UTC\nRuntime: crun\n\n");
}

}  // namespace
}  // namespace cria::criactl

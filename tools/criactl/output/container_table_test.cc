#include "tools/criactl/output/container_table.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;
constexpr int64_t kSecond = 1000000000;
constexpr int64_t kNow = 1700000000 * kSecond;
constexpr char kDigest[] =
    "sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904aabbccddeeff001122334455";

std::vector<cri::Container> Containers() {
  cri::Container a;
  a.set_id("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  a.set_pod_sandbox_id("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
  a.mutable_metadata()->set_name("web");
  a.mutable_metadata()->set_attempt(2);
  a.mutable_image()->set_image(kDigest);
  a.set_state(cri::CONTAINER_RUNNING);
  a.set_created_at(kNow - 30 * kSecond);
  (*a.mutable_labels())["io.kubernetes.pod.name"] = "nginx";
  (*a.mutable_labels())["io.kubernetes.pod.namespace"] = "default";
  cri::Container b;
  b.set_id("abc");
  b.set_pod_sandbox_id("pod");
  b.mutable_metadata()->set_name("job");
  b.mutable_image()->set_image("docker.io/library/busybox:latest");
  b.set_state(cri::CONTAINER_EXITED);
  b.set_created_at(kNow - 61 * kSecond);
  return {a, b};
}

TEST_CASE("image column: digests cut to 13 hex digits, names as they are") {
  CHECK(ContainerImageColumn(kDigest, false) == "4b825dc642cb6");
  CHECK(ContainerImageColumn(kDigest, true) == kDigest);
  CHECK(ContainerImageColumn("busybox:latest", false) == "busybox:latest");
  CHECK(ContainerImageColumn("sha256:abc", false) == "sha256:abc");  // not a digest
  CHECK(ContainerImageColumn("md5:4b825dc642cb6eb9a060e54bf8d69288", false) ==
        "md5:4b825dc642cb6eb9a060e54bf8d69288");
}

TEST_CASE("ps table: crictl's columns, pod name and namespace from the kubelet's labels") {
  CHECK(ContainerTable(Containers(), {}, kNow) ==
        "CONTAINER           IMAGE                              CREATED              STATE    "
        "           NAME                ATTEMPT             POD ID              POD        "
        "         NAMESPACE\n"
        "0123456789abc       4b825dc642cb6                      30 seconds ago       Running  "
        "           web                 2                   fedcba9876543       nginx      "
        "         default\n"
        "abc                 docker.io/library/busybox:latest   About a minute ago   Exited   "
        "           job                 0                   pod                 unknown    "
        "         unknown\n");
}

TEST_CASE("ps --no-trunc and -r") {
  ContainerTableOptions options;
  options.no_trunc = true;
  std::string table = ContainerTable(Containers(), options, kNow);
  CHECK(table.find("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef   " +
                   std::string(kDigest)) != std::string::npos);
  CHECK(table.find("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210") !=
        std::string::npos);
  options.no_trunc = false;
  options.resolve_image = [](const std::string& image) {
    return image == "4b825dc642cb6" ? std::string("busybox:1") : image;
  };
  CHECK(ContainerTable(Containers(), options, kNow).find("0123456789abc       busybox:1   ") !=
        std::string::npos);
}

TEST_CASE("ps -q and -v") {
  CHECK(ContainerIds(Containers()) ==
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nabc\n");
  CHECK(ContainersVerbose({Containers()[1]}, kNow) ==
        "ID: abc\nPodID: pod\nNamespace: unknown\nName: job\nAttempt: 0\nState: Exited\n"
        "Image: docker.io/library/busybox:latest\nCreated: About a minute ago\n\n");
  std::string verbose = ContainersVerbose({Containers()[0]}, kNow);
  CHECK(verbose.find("Namespace: default\n") != std::string::npos);
  CHECK(verbose.find("Labels:\n\tio.kubernetes.pod.name -> nginx\n") != std::string::npos);
}

}  // namespace
}  // namespace cria::criactl

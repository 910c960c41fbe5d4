#include "tools/criactl/output/image_table.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

constexpr char kBusyboxId[] =
    "sha256:beae173ccac6ad749f76713cf4440fe3d21d1043fe616dfbe30775815d1d0f6a";
constexpr char kPauseId[] =
    "sha256:da86e6ba6ca197bf6bc5e9d900febd906b133eaa4750e6bed647b0fbe50ed43e";
constexpr char kDanglingId[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

::runtime::v1::ListImagesResponse Images() {
  ::runtime::v1::ListImagesResponse response;
  auto* busybox = response.add_images();
  busybox->set_id(kBusyboxId);
  busybox->add_repo_tags("docker.io/library/busybox:latest");
  busybox->add_repo_tags("docker.io/library/busybox:1.36");
  busybox->add_repo_digests(
      "docker.io/library/busybox@sha256:"
      "5acba83a746c7608ed544dc1533b87c737a0b0fb730301639a0179f9344b1678");
  busybox->set_size(4261234);
  auto* untagged = response.add_images();
  untagged->set_id(kPauseId);
  untagged->add_repo_digests(
      "registry.k8s.io/pause@sha256:"
      "7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097");
  untagged->set_size(742000);
  auto* dangling = response.add_images();
  dangling->set_id(kDanglingId);
  dangling->set_size(1000);
  dangling->set_pinned(true);
  return response;
}

TEST_CASE("the images table has a line per tag and <none> for untagged images") {
  CHECK(ImageTable(Images(), {}) ==
        "IMAGE                       TAG                 IMAGE ID            SIZE\n"
        "docker.io/library/busybox   latest              beae173ccac6a       4.26MB\n"
        "docker.io/library/busybox   1.36                beae173ccac6a       4.26MB\n"
        "registry.k8s.io/pause       <none>              da86e6ba6ca19       742kB\n"
        "<none>                      <none>              0123456789abc       1kB\n");
}

TEST_CASE("--digests adds a DIGEST column before IMAGE ID; --pinned a PINNED column") {
  ImageTableOptions options;
  options.digests = true;
  options.pinned = true;
  CHECK(ImageTable(Images(), options) ==
        "IMAGE                       TAG                 DIGEST              IMAGE ID       "
        "     SIZE                PINNED\n"
        "docker.io/library/busybox   latest              5acba83a746c7       beae173ccac6a  "
        "     4.26MB              false\n"
        "docker.io/library/busybox   1.36                5acba83a746c7       beae173ccac6a  "
        "     4.26MB              false\n"
        "registry.k8s.io/pause       <none>              7031c1b283388       da86e6ba6ca19  "
        "     742kB               false\n"
        "<none>                      <none>              <none>              0123456789abc  "
        "     1kB                 true\n");
}

TEST_CASE("--no-trunc shows full ids and digests") {
  ::runtime::v1::ListImagesResponse response;
  auto* image = response.add_images();
  image->set_id(kPauseId);
  image->add_repo_tags("registry.k8s.io/pause:3.10");
  image->add_repo_digests("registry.k8s.io/pause@sha256:7031c1b2");
  image->set_size(0);
  ImageTableOptions options;
  options.no_trunc = true;
  options.digests = true;
  std::string table = ImageTable(response, options);
  CHECK(table ==
        "IMAGE                   TAG                 DIGEST              IMAGE ID          "
        "                                                        SIZE\n"
        "registry.k8s.io/pause   3.10                sha256:7031c1b2     " +
            std::string(kPauseId) + "   0B\n");
}

TEST_CASE("malformed references print as crictl prints them") {
  ::runtime::v1::ListImagesResponse response;
  auto* image = response.add_images();
  image->set_id("abc");
  image->add_repo_tags("notag");
  image->add_repo_tags("<none>:<none>");
  image->add_repo_digests("no-at-sign");
  CHECK(ImageTable(response, {}) ==
        "IMAGE               TAG                 IMAGE ID            SIZE\n"
        "errorRepoTag        errorRepoTag        abc                 0B\n"
        "errorName           <none>              abc                 0B\n");
}

TEST_CASE("ids are cut to 13 characters after sha256:") {
  CHECK(TruncatedId(kBusyboxId) == "beae173ccac6a");
  CHECK(TruncatedId("beae173ccac6ad749f767") == "beae173ccac6a");
  CHECK(TruncatedId("short") == "short");
  CHECK(TruncatedId("<none>") == "<none>");
}

TEST_CASE("images sort by first tag, else first digest, else id") {
  ::runtime::v1::ListImagesResponse response;
  auto* b = response.add_images();
  b->set_id("sha256:2");
  b->add_repo_tags("b:latest");
  auto* a = response.add_images();
  a->set_id("sha256:3");
  a->add_repo_tags("a:latest");
  auto* d = response.add_images();
  d->set_id("sha256:1");
  SortImagesByRef(response.mutable_images());
  REQUIRE(response.images_size() == 3);
  CHECK(response.images(0).id() == "sha256:1");
  CHECK(response.images(1).id() == "sha256:3");
  CHECK(response.images(2).id() == "sha256:2");
}

TEST_CASE("-q prints full ids; -v prints crictl's verbose listing") {
  auto response = Images();
  CHECK(ImageIds(response) ==
        std::string(kBusyboxId) + "\n" + kPauseId + "\n" + kDanglingId + "\n");
  ::runtime::v1::ListImagesResponse one;
  auto* image = one.add_images();
  image->set_id("sha256:1");
  image->add_repo_tags("a:1");
  image->add_repo_digests("a@sha256:2");
  image->set_size(10);
  image->mutable_uid()->set_value(1000);
  image->set_pinned(true);
  CHECK(ImagesVerbose(one) ==
        "ID: sha256:1\nRepoTags: a:1\nRepoDigests: a@sha256:2\nSize: 10\nUid: value:1000\n"
        "Pinned: true\n\n");
}

}  // namespace
}  // namespace cria::criactl

#include "tools/criactl/output/pull_progress.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

using ::cria::image::v1::LayerProgress;
using ::cria::image::v1::PullProgress;

constexpr char kLayer1[] =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
constexpr char kLayer2[] =
    "sha256:0b3f4c5e6d7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c";

PullProgress Progress(
    std::string source,
    std::vector<std::tuple<std::string, int64_t, int64_t, LayerProgress::State>> layers) {
  PullProgress p;
  p.set_source(std::move(source));
  for (const auto& [digest, size, downloaded, state] : layers) {
    auto* l = p.add_layers();
    l->set_digest(digest);
    l->set_size(size);
    l->set_downloaded(downloaded);
    l->set_state(state);
  }
  return p;
}

TEST_CASE("a log gets a line per layer state change only") {
  PullProgressView view;
  const std::string src = "docker.io/library/busybox:latest";
  CHECK(view.Update(Progress(src, {{kLayer1, 2000000, 0, LayerProgress::WAITING},
                                   {kLayer2, 500, 0, LayerProgress::PRESENT}})) ==
        "Pulling docker.io/library/busybox:latest\n"
        "a3ed95caeb02: Waiting\n"
        "0b3f4c5e6d7a: Already exists\n");
  CHECK(view.Update(Progress(src, {{kLayer1, 2000000, 1000, LayerProgress::DOWNLOADING},
                                   {kLayer2, 500, 0, LayerProgress::PRESENT}})) ==
        "a3ed95caeb02: Downloading\n");
  // More bytes, same state: nothing to say.
  CHECK(view.Update(Progress(src, {{kLayer1, 2000000, 900000, LayerProgress::DOWNLOADING},
                                   {kLayer2, 500, 0, LayerProgress::PRESENT}})) == "");
  // Only the changed layer, and no source: a partial update.
  CHECK(view.Update(Progress("", {{kLayer1, 2000000, 2000000, LayerProgress::DOWNLOADED}})) ==
        "a3ed95caeb02: Download complete\n");
  CHECK(view.Update(Progress(src, {{kLayer1, 2000000, 2000000, LayerProgress::APPLYING}})) ==
        "a3ed95caeb02: Extracting\n");
  CHECK(view.Update(Progress(src, {{kLayer1, 2000000, 2000000, LayerProgress::DONE},
                                   {kLayer2, 500, 0, LayerProgress::PRESENT}})) ==
        "a3ed95caeb02: Pull complete\n");
}

TEST_CASE("a terminal gets the whole display, redrawn over itself") {
  PullProgressView view;
  view.Update(Progress("docker.io/library/busybox:latest",
                       {{kLayer1, 2000000, 500000, LayerProgress::DOWNLOADING},
                        {kLayer2, 500, 0, LayerProgress::PRESENT}}));
  const std::string clear = "\r\033[2K";
  std::string first = view.Frame(100);
  CHECK(first == clear + "Pulling docker.io/library/busybox:latest\n" + clear +
                     "a3ed95caeb02: Downloading       500kB/2MB\n" + clear +
                     "0b3f4c5e6d7a: Already exists    \n" + clear +
                     "Total: [=======>                      ]  25%  500kB/2MB  1/2 layers\n");
  view.Update(Progress("", {{kLayer1, 2000000, 2000000, LayerProgress::DONE}}));
  std::string second = view.Frame(100);
  CHECK(second == "\033[4A" + clear + "Pulling docker.io/library/busybox:latest\n" + clear +
                      "a3ed95caeb02: Pull complete     2MB/2MB\n" + clear +
                      "0b3f4c5e6d7a: Already exists    \n" + clear +
                      "Total: [==============================] 100%  2MB/2MB  2/2 layers\n");
}

TEST_CASE("terminal lines are cut to the width") {
  PullProgressView view;
  view.Update(Progress("", {{kLayer1, 0, 0, LayerProgress::WAITING}}));
  std::string frame = view.Frame(20);
  CHECK(frame == "\r\033[2Ka3ed95caeb02: Waiti\n\r\033[2KTotal: [>          \n");
}

TEST_CASE("nothing to download is complete once every layer is there") {
  PullProgressView view;
  view.Update(Progress("x", {{kLayer1, 10, 0, LayerProgress::PRESENT}}));
  CHECK(view.Frame(200).find("Total: [==============================] 100%  0B/0B  1/1 layers") !=
        std::string::npos);
}

TEST_CASE("digests shorten to 12 hex digits; the bar fills by bytes") {
  CHECK(ShortDigest(kLayer1) == "a3ed95caeb02");
  CHECK(ShortDigest("abc") == "abc");
  CHECK(ProgressBar(0, 100, 10) == "[>         ]");
  CHECK(ProgressBar(50, 100, 10) == "[=====>    ]");
  CHECK(ProgressBar(100, 100, 10) == "[==========]");
  CHECK(ProgressBar(0, 0, 4) == "[>   ]");
  CHECK(LayerStateLabel(LayerProgress::APPLYING) == "Extracting");
}

}  // namespace
}  // namespace cria::criactl

// criactl pull's progress display, from the events of cria.image.v1.ImagePull/Pull.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cria/image/v1/image.pb.h"

namespace cria::criactl {

// What a pull has done so far, shown in docker pull's words ("Waiting", "Downloading",
// "Download complete", "Extracting", "Pull complete", "Already exists").
//
// For a log (stderr not a terminal) each Update returns only what changed: a line
// "Pulling <source>" when the source is new and "<short digest>: <state>" for each layer
// seen for the first time or in a new state. For a terminal, Frame returns the whole
// display to draw over the previous one.
class PullProgressView {
 public:
  // Merges one event: a snapshot of every layer or only the layers that changed (matched
  // by digest; new digests are appended in order). Returns the log lines it causes.
  std::string Update(const ::cria::image::v1::PullProgress& progress);

  // The display for a terminal `width` columns wide: "Pulling <source>", a line per layer
  // ("<short digest>: <state>  <downloaded>/<size>") and a total line with a bar, each
  // cut to fit. From the second call on it starts by moving the cursor up over the lines
  // drawn before; each line clears what was there.
  std::string Frame(int width);

 private:
  struct Layer {
    std::string digest;
    int64_t size = 0;
    int64_t downloaded = 0;
    ::cria::image::v1::LayerProgress::State state = ::cria::image::v1::LayerProgress::WAITING;
    bool logged = false;
    ::cria::image::v1::LayerProgress::State logged_state =
        ::cria::image::v1::LayerProgress::WAITING;
  };

  std::string source_;
  std::vector<Layer> layers_;
  int drawn_lines_ = 0;
};

// The first 12 hex digits of a digest ("sha256:a3ed95caeb02..." → "a3ed95caeb02").
std::string ShortDigest(std::string_view digest);

// docker pull's words for a layer state.
std::string_view LayerStateLabel(::cria::image::v1::LayerProgress::State state);

// "[==========>          ]": `width` cells between the brackets, `done` of `total` filled.
std::string ProgressBar(int64_t done, int64_t total, int width);

}  // namespace cria::criactl

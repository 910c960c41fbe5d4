#include "tools/criactl/output/pull_progress.h"

#include <algorithm>
#include <cstdio>

#include "tools/criactl/output/human_size.h"

namespace cria::criactl {
namespace {

using ::cria::image::v1::LayerProgress;

constexpr int kBarWidth = 30;
constexpr char kCursorUp[] = "\033[%dA";
constexpr char kClearLine[] = "\r\033[2K";

// Bytes of a layer that are on the node: all of them once downloaded.
int64_t DoneBytes(const LayerProgress::State state, int64_t size, int64_t downloaded) {
  switch (state) {
    case LayerProgress::DOWNLOADED:
    case LayerProgress::APPLYING:
    case LayerProgress::DONE:
      return std::max(size, downloaded);
    default:
      return std::min(downloaded, size > 0 ? size : downloaded);
  }
}

std::string Fit(std::string line, int width) {
  // One column short of the width: a full line would leave some terminals wrapping.
  if (width > 1 && line.size() >= static_cast<size_t>(width)) line.resize(width - 1);
  return line;
}

}  // namespace

std::string ShortDigest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon != std::string_view::npos) digest.remove_prefix(colon + 1);
  return std::string(digest.substr(0, 12));
}

std::string_view LayerStateLabel(LayerProgress::State state) {
  switch (state) {
    case LayerProgress::WAITING:
      return "Waiting";
    case LayerProgress::DOWNLOADING:
      return "Downloading";
    case LayerProgress::DOWNLOADED:
      return "Download complete";
    case LayerProgress::APPLYING:
      return "Extracting";
    case LayerProgress::DONE:
      return "Pull complete";
    case LayerProgress::PRESENT:
      return "Already exists";
    default:
      return "Unknown";
  }
}

std::string ProgressBar(int64_t done, int64_t total, int width) {
  int filled = width;
  if (total > 0 && done < total) {
    filled = static_cast<int>(static_cast<double>(std::max<int64_t>(done, 0)) * width / total);
  } else if (total <= 0) {
    filled = 0;
  }
  std::string bar = "[";
  bar.append(filled, '=');
  if (filled < width) {
    bar += '>';
    bar.append(width - filled - 1, ' ');
  }
  bar += ']';
  return bar;
}

std::string PullProgressView::Update(const ::cria::image::v1::PullProgress& progress) {
  std::string log;
  if (!progress.source().empty() && progress.source() != source_) {
    source_ = progress.source();
    log += "Pulling " + source_ + "\n";
  }
  for (const auto& event : progress.layers()) {
    auto it = std::find_if(layers_.begin(), layers_.end(),
                           [&](const Layer& l) { return l.digest == event.digest(); });
    if (it == layers_.end()) {
      layers_.push_back(Layer{event.digest()});
      it = layers_.end() - 1;
    }
    it->size = event.size();
    it->downloaded = event.downloaded();
    it->state = event.state();
  }
  for (Layer& layer : layers_) {
    if (layer.logged && layer.logged_state == layer.state) continue;
    layer.logged = true;
    layer.logged_state = layer.state;
    log += ShortDigest(layer.digest) + ": " + std::string(LayerStateLabel(layer.state)) + "\n";
  }
  return log;
}

std::string PullProgressView::Frame(int width) {
  std::vector<std::string> lines;
  if (!source_.empty()) lines.push_back("Pulling " + source_);
  int64_t total = 0;
  int64_t done = 0;
  int complete = 0;
  for (const Layer& layer : layers_) {
    std::string line = ShortDigest(layer.digest) + ": ";
    std::string label(LayerStateLabel(layer.state));
    line += label + std::string(label.size() < 18 ? 18 - label.size() : 1, ' ');
    if (layer.state == LayerProgress::PRESENT) {
      ++complete;
    } else {
      int64_t bytes = DoneBytes(layer.state, layer.size, layer.downloaded);
      line += HumanSizeWithPrecision(static_cast<double>(bytes), 3);
      if (layer.size > 0) line += "/" + HumanSizeWithPrecision(static_cast<double>(layer.size), 3);
      total += std::max(layer.size, bytes);
      done += bytes;
      if (layer.state == LayerProgress::DONE) ++complete;
    }
    lines.push_back(std::move(line));
  }
  // Nothing to download (every layer already there) counts as all done once all are.
  bool all_complete = !layers_.empty() && complete == static_cast<int>(layers_.size());
  int64_t bar_done = total > 0 ? done : (all_complete ? 1 : 0);
  int64_t bar_total = total > 0 ? total : 1;
  std::string total_line = "Total: " + ProgressBar(bar_done, bar_total, kBarWidth) + " ";
  int percent = static_cast<int>(bar_done * 100 / bar_total);
  std::string pct = std::to_string(percent) + "%";
  total_line += std::string(pct.size() < 4 ? 4 - pct.size() : 0, ' ') + pct + "  " +
                HumanSizeWithPrecision(static_cast<double>(done), 3) + "/" +
                HumanSizeWithPrecision(static_cast<double>(total), 3) + "  " +
                std::to_string(complete) + "/" + std::to_string(layers_.size()) + " layers";
  lines.push_back(std::move(total_line));

  std::string out;
  if (drawn_lines_ > 0) {
    char up[32];
    std::snprintf(up, sizeof(up), kCursorUp, drawn_lines_);
    out += up;
  }
  for (const std::string& line : lines) out += kClearLine + Fit(line, width) + "\n";
  drawn_lines_ = static_cast<int>(lines.size());
  return out;
}

}  // namespace cria::criactl

#include "tools/criactl/output/container_table.h"

#include "tools/criactl/client/list_filter.h"
#include "tools/criactl/output/human_time.h"
#include "tools/criactl/output/image_table.h"
#include "tools/criactl/output/label_lines.h"
#include "tools/criactl/output/tab_table.h"

namespace cria::criactl {
namespace {

namespace cri = ::runtime::v1;

bool IsHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// go-digest's Parse for the algorithms it registers: sha256, sha384, sha512.
bool IsDigest(const std::string& image, std::string* algorithm) {
  size_t colon = image.find(':');
  if (colon == std::string::npos) return false;
  std::string algo = image.substr(0, colon);
  std::string_view hex = std::string_view(image).substr(colon + 1);
  size_t want = algo == "sha256" ? 64 : algo == "sha384" ? 96 : algo == "sha512" ? 128 : 0;
  if (want == 0 || hex.size() != want || !IsHex(hex)) return false;
  *algorithm = algo;
  return true;
}

}  // namespace

std::string ContainerStateName(cri::ContainerState state) {
  switch (state) {
    case cri::CONTAINER_CREATED:
      return "Created";
    case cri::CONTAINER_RUNNING:
      return "Running";
    case cri::CONTAINER_EXITED:
      return "Exited";
    default:
      return "Unknown";
  }
}

std::string ContainerImageColumn(const std::string& image, bool no_trunc) {
  std::string algorithm;
  if (no_trunc || !IsDigest(image, &algorithm)) return image;
  return TruncatedId(image, algorithm + ":");
}

std::string ContainerTable(const std::vector<cri::Container>& containers,
                           const ContainerTableOptions& options, int64_t now_unix_nano) {
  std::vector<std::vector<std::string>> rows = {
      {"CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"}};
  for (const auto& c : containers) {
    std::string image = ContainerImageColumn(c.image().image(), options.no_trunc);
    if (options.resolve_image) image = options.resolve_image(image);
    rows.push_back({options.no_trunc ? c.id() : TruncatedId(c.id(), ""), image,
                    CreatedAgo(c.created_at(), now_unix_nano), ContainerStateName(c.state()),
                    c.metadata().name(), std::to_string(c.metadata().attempt()),
                    options.no_trunc ? c.pod_sandbox_id() : TruncatedId(c.pod_sandbox_id(), ""),
                    LabelOrUnknown(c.labels(), kPodNameLabel),
                    LabelOrUnknown(c.labels(), kPodNamespaceLabel)});
  }
  return TabTable(rows);
}

std::string ContainerIds(const std::vector<cri::Container>& containers) {
  std::string out;
  for (const auto& c : containers) out += c.id() + "\n";
  return out;
}

std::string ContainersVerbose(const std::vector<cri::Container>& containers,
                              int64_t now_unix_nano) {
  std::string out;
  for (const auto& c : containers) {
    out += "ID: " + c.id() + "\n";
    out += "PodID: " + c.pod_sandbox_id() + "\n";
    out += "Namespace: " + LabelOrUnknown(c.labels(), kPodNamespaceLabel) + "\n";
    if (c.has_metadata()) {
      if (!c.metadata().name().empty()) out += "Name: " + c.metadata().name() + "\n";
      out += "Attempt: " + std::to_string(c.metadata().attempt()) + "\n";
    }
    out += "State: " + ContainerStateName(c.state()) + "\n";
    if (c.has_image()) out += "Image: " + c.image().image() + "\n";
    out += "Created: " + CreatedAgo(c.created_at(), now_unix_nano) + "\n";
    AppendLabelLines("Labels", c.labels(), out);
    AppendLabelLines("Annotations", c.annotations(), out);
    out += "\n";
  }
  return out;
}

}  // namespace cria::criactl

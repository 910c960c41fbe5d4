#include "tools/criactl/output/image_table.h"

#include <utility>
#include <vector>

#include "tools/criactl/output/human_size.h"
#include "tools/criactl/output/tab_table.h"

namespace cria::criactl {
namespace {

constexpr char kNone[] = "<none>";
constexpr size_t kTruncatedIdLength = 13;

bool ByRef(const ::runtime::v1::Image& a, const ::runtime::v1::Image& b) {
  if (!a.repo_tags().empty() && !b.repo_tags().empty()) return a.repo_tags(0) < b.repo_tags(0);
  if (!a.repo_digests().empty() && !b.repo_digests().empty()) {
    return a.repo_digests(0) < b.repo_digests(0);
  }
  return a.id() < b.id();
}

// crictl's normalizeRepoDigest: the name and digest of the first repo digest.
std::pair<std::string, std::string> RepoDigest(const ::runtime::v1::Image& image) {
  if (image.repo_digests().empty()) return {kNone, kNone};
  const std::string& first = image.repo_digests(0);
  size_t at = first.find('@');
  if (at == std::string::npos || first.find('@', at + 1) != std::string::npos) {
    return {"errorName", "errorRepoDigest"};
  }
  return {first.substr(0, at), first.substr(at + 1)};
}

// crictl's normalizeRepoTagPair: (repository, tag) per repo tag.
std::vector<std::pair<std::string, std::string>> RepoTagPairs(const ::runtime::v1::Image& image,
                                                              const std::string& image_name) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (image.repo_tags().empty()) {
    pairs.emplace_back(image_name, kNone);
    return pairs;
  }
  for (const std::string& repo_tag : image.repo_tags()) {
    size_t colon = repo_tag.rfind(':');
    if (colon == std::string::npos) {
      pairs.emplace_back("errorRepoTag", "errorRepoTag");
      continue;
    }
    std::string name = repo_tag.substr(0, colon);
    if (name == kNone) name = image_name;
    pairs.emplace_back(name, repo_tag.substr(colon + 1));
  }
  return pairs;
}

}  // namespace

void SortImagesByRef(google::protobuf::RepeatedPtrField<::runtime::v1::Image>* images) {
  // A plain insertion sort: imageByRef is not a strict weak order when tagged and untagged
  // images mix, which std::sort may not be given; lists are short.
  for (int i = 1; i < images->size(); ++i) {
    for (int j = i; j > 0 && ByRef(images->Get(j), images->Get(j - 1)); --j) {
      images->SwapElements(j, j - 1);
    }
  }
}

std::string TruncatedId(std::string_view id, std::string_view prefix) {
  if (id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
  return std::string(id.substr(0, kTruncatedIdLength));
}

std::string ImageTable(const ::runtime::v1::ListImagesResponse& response,
                       const ImageTableOptions& options) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"IMAGE", "TAG"};
  if (options.digests) header.push_back("DIGEST");
  header.insert(header.end(), {"IMAGE ID", "SIZE"});
  if (options.pinned) header.push_back("PINNED");
  rows.push_back(std::move(header));
  for (const auto& image : response.images()) {
    auto [image_name, repo_digest] = RepoDigest(image);
    std::string size = HumanSizeWithPrecision(static_cast<double>(image.size()), 3);
    std::string id = image.id();
    if (!options.no_trunc) {
      id = TruncatedId(id);
      repo_digest = TruncatedId(repo_digest);
    }
    for (auto& [repository, tag] : RepoTagPairs(image, image_name)) {
      std::vector<std::string> row = {repository, tag};
      if (options.digests) row.push_back(repo_digest);
      row.insert(row.end(), {id, size});
      if (options.pinned) row.push_back(image.pinned() ? "true" : "false");
      rows.push_back(std::move(row));
    }
  }
  return TabTable(rows);
}

std::string ImageIds(const ::runtime::v1::ListImagesResponse& response) {
  std::string out;
  for (const auto& image : response.images()) out += image.id() + "\n";
  return out;
}

std::string ImagesVerbose(const ::runtime::v1::ListImagesResponse& response) {
  std::string out;
  for (const auto& image : response.images()) {
    out += "ID: " + image.id() + "\n";
    for (const auto& tag : image.repo_tags()) out += "RepoTags: " + tag + "\n";
    for (const auto& digest : image.repo_digests()) out += "RepoDigests: " + digest + "\n";
    if (image.size() != 0) out += "Size: " + std::to_string(image.size()) + "\n";
    if (image.has_uid()) {
      // Go's %v of the Int64Value message: its text form, empty for the default value.
      out += "Uid: ";
      if (image.uid().value() != 0) out += "value:" + std::to_string(image.uid().value());
      out += "\n";
    }
    if (!image.username().empty()) out += "Username: " + image.username() + "\n";
    if (image.pinned()) out += "Pinned: true\n";
    out += "\n";
  }
  return out;
}

}  // namespace cria::criactl

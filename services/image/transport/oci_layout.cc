// OCI image layout reading.
#include "services/image/transport/oci_layout.h"

#include <filesystem>
#include <variant>

#include "libs/records/json_object.h"
#include "services/image/manifest/config.h"
#include "services/image/manifest/platform.h"
#include "services/image/reference/reference.h"
#include "services/image/transport/blob_file.h"

namespace cria::image::transport {
namespace {

constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";
constexpr int kMaxIndexDepth = 4;

std::string RefNameOf(const manifest::Descriptor& descriptor) {
  auto it = descriptor.annotations.find(kRefNameAnnotation);
  return it == descriptor.annotations.end() ? "" : it->second;
}

Status CheckLayoutMarker(const std::string& dir) {
  const std::string path = dir + "/oci-layout";
  CRIA_ASSIGN_OR_RETURN(std::string text, ReadCapped(path, 4096), "read the OCI layout marker");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, records::ParseJsonObject(text), path);
  auto version = doc.FindMember("imageLayoutVersion");
  if (version == doc.MemberEnd() || !version->value.IsString()) {
    return absl::InvalidArgumentError(path + ": no imageLayoutVersion string");
  }
  return OkStatus();
}

Result<manifest::Index> ParseIndexBody(const std::string& body, const std::string& what) {
  CRIA_ASSIGN_OR_RETURN(manifest::Parsed parsed,
                        manifest::ParseManifestOrIndex(body, manifest::kOciIndex), what);
  if (!std::holds_alternative<manifest::Index>(parsed)) {
    return absl::InvalidArgumentError(what + " is a manifest, not an index");
  }
  return std::get<manifest::Index>(std::move(parsed));
}

// The index.json entry for `ref` (or the only one).
Result<manifest::Descriptor> SelectEntry(const manifest::Index& index, const std::string& ref) {
  std::string names;
  for (const manifest::IndexEntry& entry : index.manifests) {
    const std::string name = RefNameOf(entry.descriptor);
    names += (names.empty() ? "" : ", ") + (name.empty() ? "(unnamed)" : "\"" + name + "\"");
  }
  if (ref.empty()) {
    if (index.manifests.size() == 1) return index.manifests[0].descriptor;
    return absl::InvalidArgumentError("the OCI layout holds " +
                                      std::to_string(index.manifests.size()) +
                                      " images; name one with :<ref> (names: " + names + ")");
  }
  const manifest::Descriptor* found = nullptr;
  for (const manifest::IndexEntry& entry : index.manifests) {
    if (RefNameOf(entry.descriptor) != ref) continue;
    if (found != nullptr) {
      return absl::InvalidArgumentError("the OCI layout has several images named \"" + ref + "\"");
    }
    found = &entry.descriptor;
  }
  if (found == nullptr) {
    return absl::NotFoundError("the OCI layout has no image named \"" + ref +
                               "\" (names: " + (names.empty() ? "none" : names) + ")");
  }
  return *found;
}

// Follows indexes down to the host platform's manifest descriptor.
Result<manifest::Descriptor> ResolveToManifest(const std::string& dir,
                                               manifest::Descriptor descriptor) {
  for (int depth = 0; depth < kMaxIndexDepth; ++depth) {
    if (manifest::IsManifestMediaType(descriptor.media_type)) return descriptor;
    if (!manifest::IsIndexMediaType(descriptor.media_type)) {
      return absl::InvalidArgumentError("the OCI layout: entry " + descriptor.digest +
                                        " has unsupported media type \"" + descriptor.media_type +
                                        "\"");
    }
    CRIA_ASSIGN_OR_RETURN(std::string body,
                          ReadVerifiedBlob(dir, descriptor, manifest::kMaxManifestBytes),
                          "the OCI layout");
    CRIA_ASSIGN_OR_RETURN(manifest::Index index, ParseIndexBody(body, "index " + descriptor.digest),
                          "the OCI layout");
    CRIA_ASSIGN_OR_RETURN(descriptor, manifest::SelectPlatform(index, manifest::HostPlatform()),
                          "the OCI layout: index " + descriptor.digest);
  }
  return absl::InvalidArgumentError("the OCI layout: indexes nested deeper than " +
                                    std::to_string(kMaxIndexDepth));
}

}  // namespace

std::string NameOfRefName(const std::string& ref_name) {
  if (ref_name.find_first_of(":/") == std::string::npos) return "";
  auto named = reference::ParseNormalized(ref_name);
  return named.ok() ? named->String() : "";
}

Status ReadOciLayout(const std::string& dir, const std::string& ref, LocalImage& image) {
  CRIA_RETURN_IF_ERROR(CheckLayoutMarker(dir), "");
  const std::string index_path = dir + "/index.json";
  CRIA_ASSIGN_OR_RETURN(std::string index_body, ReadCapped(index_path, manifest::kMaxManifestBytes),
                        "the OCI layout");
  CRIA_ASSIGN_OR_RETURN(manifest::Index index, ParseIndexBody(index_body, index_path), "");
  CRIA_ASSIGN_OR_RETURN(manifest::Descriptor entry, SelectEntry(index, ref), "");
  CRIA_ASSIGN_OR_RETURN(manifest::Descriptor descriptor, ResolveToManifest(dir, entry), "");

  const std::string what = "the OCI layout: manifest " + descriptor.digest;
  CRIA_ASSIGN_OR_RETURN(image.manifest_body,
                        ReadVerifiedBlob(dir, descriptor, manifest::kMaxManifestBytes), what);
  image.manifest_digest = descriptor.digest;
  CRIA_ASSIGN_OR_RETURN(manifest::Parsed parsed,
                        manifest::ParseManifestOrIndex(image.manifest_body, descriptor.media_type),
                        what);
  if (!std::holds_alternative<manifest::Manifest>(parsed)) {
    return absl::InvalidArgumentError(what + " is an index, its descriptor says a manifest");
  }
  image.manifest = std::get<manifest::Manifest>(std::move(parsed));
  CRIA_ASSIGN_OR_RETURN(image.config_body,
                        ReadVerifiedBlob(dir, image.manifest.config, manifest::kMaxConfigBytes),
                        what + ": config");
  CRIA_ASSIGN_OR_RETURN(image.config, manifest::ParseConfig(image.config_body), what + ": config");
  CRIA_RETURN_IF_ERROR(manifest::CheckLayersMatch(image.manifest, image.config), what);

  const std::string absolute_dir = std::filesystem::absolute(dir).string();
  for (size_t i = 0; i < image.manifest.layers.size(); ++i) {
    const manifest::Descriptor& layer = image.manifest.layers[i];
    CRIA_ASSIGN_OR_RETURN(std::string path, BlobPath(absolute_dir, layer.digest), what);
    CRIA_RETURN_IF_ERROR(
        VerifyFile(path, layer, "layer " + std::to_string(i) + " (" + layer.digest + ")"), what);
    image.layer_paths.push_back(std::move(path));
  }
  const std::string name = NameOfRefName(ref.empty() ? RefNameOf(entry) : ref);
  if (!name.empty()) image.names.push_back(name);
  return OkStatus();
}

}  // namespace cria::image::transport

#include "services/image/manifest/manifest.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "libs/records/json_object.h"
#include "services/image/manifest/json_fields.h"

namespace cria::image::manifest {
namespace {

using internal::FieldError;
using internal::Find;
using internal::Join;
using internal::TypeName;

constexpr std::array<std::string_view, 8> kLayerMediaTypes = {
    kOciLayerTar,
    kOciLayerGzip,
    kOciLayerZstd,
    kOciLayerNondistributableTar,
    kOciLayerNondistributableGzip,
    kOciLayerNondistributableZstd,
    kDockerLayerGzip,
    kDockerForeignLayerGzip,
};

constexpr std::string_view kSchema1Message =
    "schema 1 manifests are not supported (deprecated): re-push the image with a current client";

Status Schema1Error(std::string_view how) {
  return Status(StatusCode::kFailedPrecondition,
                std::string("manifest is Docker image manifest v2 schema 1 (") + std::string(how) +
                    "); " + std::string(kSchema1Message));
}

bool IsSchema1MediaType(std::string_view media_type) {
  return media_type == kDockerSchema1Manifest || media_type == kDockerSchema1SignedManifest;
}

// The media type of a Content-Type header: parameters dropped, trimmed, lowercased.
std::string MediaTypeOfContentType(std::string_view content_type) {
  if (const size_t semi = content_type.find(';'); semi != std::string_view::npos) {
    content_type = content_type.substr(0, semi);
  }
  const size_t begin = content_type.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const size_t end = content_type.find_last_not_of(" \t");
  std::string out(content_type.substr(begin, end - begin + 1));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Content types that say nothing about which kind of manifest the body is.
bool IsGenericContentType(std::string_view media_type) {
  return media_type.empty() || media_type == "application/json" || media_type == "text/plain" ||
         media_type == "application/octet-stream" || media_type == "binary/octet-stream";
}

Result<int64_t> ParseSize(const rapidjson::Value& object, std::string_view path) {
  const rapidjson::Value* value = Find(object, "size");
  const std::string field = Join(path, "size");
  if (value == nullptr) return FieldError(field, "missing");
  if (!value->IsNumber()) {
    return FieldError(field, std::string("is ") + TypeName(*value) + ", not an integer");
  }
  if (value->IsInt64()) {
    const int64_t size = value->GetInt64();
    if (size < 0) return FieldError(field, "is negative (" + std::to_string(size) + ")");
    return size;
  }
  if (value->IsUint64()) return FieldError(field, "is too large");
  return FieldError(field, "is not an integer");
}

Result<Descriptor> ParseDescriptor(const rapidjson::Value& value, const std::string& path) {
  if (!value.IsObject()) {
    return FieldError(path, std::string("is ") + TypeName(value) + ", not an object");
  }
  Descriptor descriptor;
  CRIA_ASSIGN_OR_RETURN(descriptor.media_type, internal::RequiredString(value, "mediaType", path),
                        "");
  if (descriptor.media_type.empty()) return FieldError(Join(path, "mediaType"), "is empty");
  CRIA_ASSIGN_OR_RETURN(descriptor.digest, internal::RequiredString(value, "digest", path), "");
  if (Status status = CheckDigest(descriptor.digest); !status.ok()) {
    return FieldError(Join(path, "digest"), MessageOf(status));
  }
  CRIA_ASSIGN_OR_RETURN(descriptor.size, ParseSize(value, path), "");
  CRIA_ASSIGN_OR_RETURN(descriptor.urls, internal::OptionalStringArray(value, "urls", path), "");
  CRIA_ASSIGN_OR_RETURN(descriptor.annotations,
                        internal::OptionalStringMap(value, "annotations", path), "");
  return descriptor;
}

Result<Manifest> ParseManifest(const rapidjson::Value& doc, std::string media_type) {
  Manifest manifest;
  manifest.media_type = std::move(media_type);
  if (Find(doc, "manifests") != nullptr) {
    return FieldError("manifests", "present in a manifest of media type " + manifest.media_type +
                                       " (only an index has it)");
  }
  const rapidjson::Value* config = Find(doc, "config");
  if (config == nullptr || config->IsNull()) return FieldError("config", "missing");
  auto parsed_config = ParseDescriptor(*config, "config");
  if (!parsed_config.ok()) return parsed_config.status();
  manifest.config = *std::move(parsed_config);
  if (manifest.config.media_type != kOciConfig && manifest.config.media_type != kDockerConfig) {
    return FieldError("config.mediaType",
                      "unknown config media type \"" + manifest.config.media_type +
                          "\" (not a container image; expected " + std::string(kOciConfig) +
                          " or " + std::string(kDockerConfig) + ")");
  }
  const rapidjson::Value* layers = Find(doc, "layers");
  if (layers == nullptr) return FieldError("layers", "missing");
  if (!layers->IsArray()) {
    return FieldError("layers", std::string("is ") + TypeName(*layers) + ", not an array");
  }
  manifest.layers.reserve(layers->Size());
  for (rapidjson::SizeType i = 0; i < layers->Size(); ++i) {
    const std::string path = "layers[" + std::to_string(i) + "]";
    auto layer = ParseDescriptor((*layers)[i], path);
    if (!layer.ok()) return layer.status();
    if (!IsSupportedLayerMediaType(layer->media_type)) {
      return FieldError(Join(path, "mediaType"),
                        "unsupported layer media type \"" + layer->media_type + "\"");
    }
    manifest.layers.push_back(*std::move(layer));
  }
  return manifest;
}

Result<Platform> ParsePlatform(const rapidjson::Value& value, const std::string& path) {
  if (!value.IsObject()) {
    return FieldError(path, std::string("is ") + TypeName(value) + ", not an object");
  }
  Platform platform;
  auto os = internal::RequiredString(value, "os", path);
  if (!os.ok()) return os.status();
  auto architecture = internal::RequiredString(value, "architecture", path);
  if (!architecture.ok()) return architecture.status();
  auto variant = internal::OptionalString(value, "variant", path);
  if (!variant.ok()) return variant.status();
  if (os->empty()) return FieldError(Join(path, "os"), "is empty");
  if (architecture->empty()) return FieldError(Join(path, "architecture"), "is empty");
  platform.os = *std::move(os);
  platform.architecture = *std::move(architecture);
  platform.variant = *std::move(variant);
  return platform;
}

Result<Index> ParseIndex(const rapidjson::Value& doc, std::string media_type) {
  Index index;
  index.media_type = std::move(media_type);
  if (Find(doc, "layers") != nullptr) {
    return FieldError("layers", "present in an index of media type " + index.media_type +
                                    " (only a manifest has it)");
  }
  const rapidjson::Value* manifests = Find(doc, "manifests");
  if (manifests == nullptr) return FieldError("manifests", "missing");
  if (!manifests->IsArray()) {
    return FieldError("manifests", std::string("is ") + TypeName(*manifests) + ", not an array");
  }
  index.manifests.reserve(manifests->Size());
  for (rapidjson::SizeType i = 0; i < manifests->Size(); ++i) {
    const std::string path = "manifests[" + std::to_string(i) + "]";
    IndexEntry entry;
    auto descriptor = ParseDescriptor((*manifests)[i], path);
    if (!descriptor.ok()) return descriptor.status();
    entry.descriptor = *std::move(descriptor);
    const rapidjson::Value* platform = Find((*manifests)[i], "platform");
    if (platform != nullptr && !platform->IsNull()) {
      auto parsed = ParsePlatform(*platform, Join(path, "platform"));
      if (!parsed.ok()) return parsed.status();
      entry.platform = *std::move(parsed);
    }
    index.manifests.push_back(std::move(entry));
  }
  return index;
}

}  // namespace

bool IsSupportedLayerMediaType(std::string_view media_type) {
  return std::find(kLayerMediaTypes.begin(), kLayerMediaTypes.end(), media_type) !=
         kLayerMediaTypes.end();
}

bool IsManifestMediaType(std::string_view media_type) {
  return media_type == kOciManifest || media_type == kDockerManifest;
}

bool IsIndexMediaType(std::string_view media_type) {
  return media_type == kOciIndex || media_type == kDockerManifestList;
}

Status CheckDigest(std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "digest \"" + std::string(digest) + "\" is not of the form algorithm:hex");
  }
  const std::string_view algorithm = digest.substr(0, colon);
  const std::string_view hex = digest.substr(colon + 1);
  size_t want = 0;
  if (algorithm == "sha256") {
    want = 64;
  } else if (algorithm == "sha512") {
    want = 128;
  } else {
    return Status(StatusCode::kInvalidArgument,
                  "digest \"" + std::string(digest) + "\" has an unsupported algorithm \"" +
                      std::string(algorithm) + "\" (sha256 or sha512 expected)");
  }
  if (hex.size() != want) {
    return Status(StatusCode::kInvalidArgument,
                  "digest \"" + std::string(digest) + "\" has " + std::to_string(hex.size()) +
                      " hex digits, " + std::string(algorithm) + " needs " + std::to_string(want));
  }
  for (const char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return Status(StatusCode::kInvalidArgument,
                    "digest \"" + std::string(digest) +
                        "\" is not lowercase hexadecimal after the algorithm");
    }
  }
  return OkStatus();
}

Result<Parsed> ParseManifestOrIndex(std::string_view body, std::string_view content_type) {
  if (body.size() > kMaxManifestBytes) {
    return Status(StatusCode::kResourceExhausted, "manifest is " + std::to_string(body.size()) +
                                                      " bytes, over the limit of " +
                                                      std::to_string(kMaxManifestBytes) + " bytes");
  }
  const std::string header_type = MediaTypeOfContentType(content_type);
  auto parsed = records::ParseJsonObject(body);
  if (!parsed.ok()) {
    if (IsSchema1MediaType(header_type)) return Schema1Error("Content-Type " + header_type);
    return Annotate(parsed.status(), "manifest");
  }
  const rapidjson::Document& doc = *parsed;

  if (const rapidjson::Value* version = Find(doc, "schemaVersion"); version != nullptr) {
    if (!version->IsInt()) {
      return FieldError("schemaVersion",
                        std::string("is ") + TypeName(*version) + ", not an integer");
    }
    if (version->GetInt() == 1) return Schema1Error("schemaVersion 1");
    if (version->GetInt() != 2) {
      return FieldError("schemaVersion", "unsupported version " +
                                             std::to_string(version->GetInt()) + " (2 expected)");
    }
  }

  std::string media_type;
  auto json_type = internal::OptionalString(doc, "mediaType", "");
  if (!json_type.ok()) return json_type.status();
  if (!json_type->empty()) {
    media_type = *std::move(json_type);
  } else if (!IsGenericContentType(header_type)) {
    media_type = header_type;
  } else if (Find(doc, "manifests") != nullptr) {
    media_type = std::string(kOciIndex);
  } else if (Find(doc, "layers") != nullptr && Find(doc, "config") != nullptr) {
    media_type = std::string(kOciManifest);
  } else if (Find(doc, "fsLayers") != nullptr) {
    return Schema1Error("fsLayers without a media type");
  } else {
    return Status(StatusCode::kInvalidArgument,
                  "manifest has no mediaType, the Content-Type \"" + std::string(content_type) +
                      "\" does not name one, and it has neither \"manifests\" nor \"layers\" and "
                      "\"config\"");
  }

  if (IsSchema1MediaType(media_type)) return Schema1Error("media type " + media_type);
  if (IsManifestMediaType(media_type)) {
    auto manifest = ParseManifest(doc, std::move(media_type));
    if (!manifest.ok()) return Annotate(manifest.status(), "manifest");
    return Parsed(*std::move(manifest));
  }
  if (IsIndexMediaType(media_type)) {
    auto index = ParseIndex(doc, std::move(media_type));
    if (!index.ok()) return Annotate(index.status(), "index");
    return Parsed(*std::move(index));
  }
  return Status(StatusCode::kInvalidArgument,
                "unsupported manifest media type \"" + media_type + "\" (accepted: " +
                    std::string(kOciManifest) + ", " + std::string(kOciIndex) + ", " +
                    std::string(kDockerManifest) + ", " + std::string(kDockerManifestList) + ")");
}

}  // namespace cria::image::manifest

// docker-archive reading and manifest synthesis.
#include "services/image/transport/docker_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <variant>
#include <vector>

#include "libs/digest/digest.h"
#include "libs/fd/unique_fd.h"
#include "libs/records/json_object.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "services/image/manifest/config.h"
#include "services/image/reference/reference.h"
#include "services/image/transport/blob_file.h"

namespace cria::image::transport {
namespace {

struct Item {
  std::string config;
  std::vector<std::string> repo_tags;
  std::vector<std::string> layers;
};

Result<std::vector<std::string>> Strings(const rapidjson::Value& item, const char* key,
                                         bool required) {
  std::vector<std::string> out;
  auto it = item.FindMember(key);
  if (it == item.MemberEnd() || it->value.IsNull()) {
    if (required) return absl::InvalidArgumentError(std::string("no \"") + key + "\"");
    return out;
  }
  if (!it->value.IsArray()) {
    return absl::InvalidArgumentError(std::string("\"") + key + "\" is not an array");
  }
  for (const auto& value : it->value.GetArray()) {
    if (!value.IsString()) {
      return absl::InvalidArgumentError(std::string("\"") + key + "\" has a non-string");
    }
    out.emplace_back(value.GetString(), value.GetStringLength());
  }
  return out;
}

Result<std::vector<Item>> ParseManifestJson(const std::string& text) {
  // ParseJsonObject refuses deep nesting; the top level of manifest.json is an array, so it
  // is wrapped in an object for the check.
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc,
                        records::ParseJsonObject("{\"items\":" + text + "}"), "");
  const rapidjson::Value& items = doc["items"];
  if (!items.IsArray()) return absl::InvalidArgumentError("the top level is not an array");
  std::vector<Item> out;
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    const std::string what = "item " + std::to_string(i);
    if (!items[i].IsObject()) return absl::InvalidArgumentError(what + " is not an object");
    Item item;
    auto config = items[i].FindMember("Config");
    if (config == items[i].MemberEnd() || !config->value.IsString()) {
      return absl::InvalidArgumentError(what + ": no \"Config\" string");
    }
    item.config = config->value.GetString();
    CRIA_ASSIGN_OR_RETURN(item.repo_tags, Strings(items[i], "RepoTags", false), what);
    CRIA_ASSIGN_OR_RETURN(item.layers, Strings(items[i], "Layers", true), what);
    out.push_back(std::move(item));
  }
  return out;
}

// `name` (a path inside the archive) joined to `dir`; InvalidArgument if it could leave it.
Result<std::string> PathIn(const std::string& dir, const std::string& name) {
  if (name.empty() || name[0] == '/') {
    return absl::InvalidArgumentError("file name \"" + name + "\" is not relative");
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) {
      return absl::InvalidArgumentError("file name \"" + name + "\" has a \"..\" component");
    }
    start = end + 1;
  }
  return dir + "/" + name;
}

// The digest a file name claims: "blobs/sha256/<hex>" or "<hex>.json" (old docker save
// config names); "" when it claims none.
std::string ClaimedDigest(const std::string& name, bool allow_json_suffix) {
  std::string base = name.substr(name.rfind('/') + 1);
  if (allow_json_suffix && base.size() == 69 && base.ends_with(".json")) {
    base.resize(64);
  } else if (name != "blobs/sha256/" + base) {
    return "";
  }
  if (base.size() != 64) return "";
  for (char c : base) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  }
  return "sha256:" + base;
}

Result<std::string> MediaTypeByMagic(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + path);
  std::array<unsigned char, 4> magic{};
  const ssize_t n = ::read(fd.Get(), magic.data(), magic.size());
  if (n < 0) return ErrnoStatus(errno, "read " + path);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return std::string(manifest::kOciLayerGzip);
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return std::string(manifest::kOciLayerZstd);
  }
  return std::string(manifest::kOciLayerTar);
}

std::string Normalized(const std::string& name) {
  auto ref = reference::ParseNormalized(name);
  return ref.ok() ? ref->String() : "";
}

Result<size_t> SelectItem(const std::vector<Item>& items, const std::string& ref,
                          std::optional<int> index) {
  if (index) {
    if (*index < 0 || static_cast<size_t>(*index) >= items.size()) {
      return absl::NotFoundError("the archive has no image @" + std::to_string(*index) +
                                 " (it holds " + std::to_string(items.size()) + ")");
    }
    return static_cast<size_t>(*index);
  }
  if (ref.empty()) {
    if (items.size() == 1) return size_t{0};
    return absl::InvalidArgumentError("the archive holds " + std::to_string(items.size()) +
                                      " images; name one with :<name:tag> or :@<index>");
  }
  const std::string want = Normalized(ref);
  std::string names;
  for (size_t i = 0; i < items.size(); ++i) {
    for (const std::string& tag : items[i].repo_tags) {
      if (!want.empty() && Normalized(tag) == want) return i;
      names += (names.empty() ? "" : ", ") + tag;
    }
  }
  return absl::NotFoundError("the archive has no image named \"" + ref +
                             "\" (names: " + (names.empty() ? "none" : names) + ")");
}

std::string SynthesizeManifest(const manifest::Descriptor& config,
                               const std::vector<manifest::Descriptor>& layers) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto descriptor = [&w](const manifest::Descriptor& d) {
    w.StartObject();
    w.Key("mediaType");
    w.String(d.media_type.c_str());
    w.Key("digest");
    w.String(d.digest.c_str());
    w.Key("size");
    w.Int64(d.size);
    w.EndObject();
  };
  w.StartObject();
  w.Key("schemaVersion");
  w.Int(2);
  w.Key("mediaType");
  w.String(manifest::kOciManifest.data());
  w.Key("config");
  descriptor(config);
  w.Key("layers");
  w.StartArray();
  for (const manifest::Descriptor& layer : layers) descriptor(layer);
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

Status ReadDockerArchive(const std::string& dir, const std::string& ref, std::optional<int> index,
                         LocalImage& image) {
  const std::string what = "the archive";
  CRIA_ASSIGN_OR_RETURN(std::string text,
                        ReadCapped(dir + "/manifest.json", manifest::kMaxManifestBytes), what);
  CRIA_ASSIGN_OR_RETURN(std::vector<Item> items, ParseManifestJson(text), what + ": manifest.json");
  CRIA_ASSIGN_OR_RETURN(size_t selected, SelectItem(items, ref, index), "");
  const Item& item = items[selected];

  CRIA_ASSIGN_OR_RETURN(std::string config_path, PathIn(dir, item.config), what + ": Config");
  CRIA_ASSIGN_OR_RETURN(image.config_body, ReadCapped(config_path, manifest::kMaxConfigBytes),
                        what + ": config");
  manifest::Descriptor config;
  config.media_type = std::string(manifest::kOciConfig);
  config.digest = digest::Sha256Digest(image.config_body);
  config.size = static_cast<int64_t>(image.config_body.size());
  if (const std::string claimed = ClaimedDigest(item.config, true);
      !claimed.empty() && claimed != config.digest) {
    return absl::DataLossError(what + ": config " + item.config + " has digest " + config.digest);
  }
  CRIA_ASSIGN_OR_RETURN(image.config, manifest::ParseConfig(image.config_body), what + ": config");
  if (image.config.diff_ids.size() != item.layers.size()) {
    return absl::InvalidArgumentError(what + ": " + std::to_string(item.layers.size()) +
                                      " layers but " +
                                      std::to_string(image.config.diff_ids.size()) + " diffIDs");
  }

  std::vector<manifest::Descriptor> layers;
  for (size_t i = 0; i < item.layers.size(); ++i) {
    const std::string layer_what =
        what + ": layer " + std::to_string(i) + " (" + item.layers[i] + ")";
    CRIA_ASSIGN_OR_RETURN(std::string path, PathIn(dir, item.layers[i]), layer_what);
    CRIA_ASSIGN_OR_RETURN(FileDigest file, HashFile(path, "sha256:"), layer_what);
    CRIA_ASSIGN_OR_RETURN(std::string media_type, MediaTypeByMagic(path), layer_what);
    const std::string claimed = ClaimedDigest(item.layers[i], false);
    if (!claimed.empty() && claimed != file.digest) {
      return absl::DataLossError(layer_what + " has digest " + file.digest);
    }
    if (media_type == manifest::kOciLayerTar && file.digest != image.config.diff_ids[i]) {
      return absl::DataLossError(layer_what + " has digest " + file.digest +
                                 ", the config's diffID is " + image.config.diff_ids[i]);
    }
    manifest::Descriptor layer;
    layer.media_type = std::move(media_type);
    layer.digest = file.digest;
    layer.size = file.size;
    layers.push_back(std::move(layer));
    image.layer_paths.push_back(path);
  }
  image.manifest_body = SynthesizeManifest(config, layers);
  image.manifest_digest = digest::Sha256Digest(image.manifest_body);
  CRIA_ASSIGN_OR_RETURN(manifest::Parsed parsed,
                        manifest::ParseManifestOrIndex(image.manifest_body, manifest::kOciManifest),
                        what + ": synthesized manifest");
  image.manifest = std::get<manifest::Manifest>(std::move(parsed));
  for (const std::string& tag : item.repo_tags) {
    const std::string name = Normalized(tag);
    if (!name.empty()) image.names.push_back(name);
  }
  return OkStatus();
}

}  // namespace cria::image::transport

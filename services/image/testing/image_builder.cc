// Image building: layer blobs through layer_tar, then the config and manifest JSON.
#include "services/image/testing/image_builder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "libs/digest/digest.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "services/image/manifest/platform.h"
#include "services/image/testing/layer_tar.h"

namespace cria::image::testing {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr char kCreated[] = "2024-01-01T00:00:00Z";

// Where Build and BuildToDir put blobs.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<LayerBlobInfo> AddLayer(const LayerSpec& spec) = 0;
  virtual Status AddBlob(const std::string& digest, const std::string& content) = 0;
};

class MemoryStore : public BlobStore {
 public:
  explicit MemoryStore(BuiltImage* image) : image_(image) {}
  Result<LayerBlobInfo> AddLayer(const LayerSpec& spec) override {
    std::string blob;
    CRIA_ASSIGN_OR_RETURN(LayerBlobInfo info,
                          WriteLayer(spec,
                                     [&](const char* data, size_t n) {
                                       blob.append(data, n);
                                       return OkStatus();
                                     }),
                          "");
    image_->blobs[info.digest] = std::move(blob);
    return info;
  }
  Status AddBlob(const std::string& digest, const std::string& content) override {
    image_->blobs[digest] = content;
    return OkStatus();
  }

 private:
  BuiltImage* image_;
};

class DirStore : public BlobStore {
 public:
  DirStore(std::string blob_dir, BuiltImageFiles* image)
      : blob_dir_(std::move(blob_dir)), image_(image) {}
  Result<LayerBlobInfo> AddLayer(const LayerSpec& spec) override {
    const std::string temp = blob_dir_ + "/.layer-in-progress";
    CRIA_ASSIGN_OR_RETURN(LayerBlobInfo info, WriteLayerFile(spec, temp), "");
    const std::string path = blob_dir_ + "/" + HexOf(info.digest);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      return ErrnoStatus(errno, "rename " + temp + " to " + path);
    }
    image_->blob_paths[info.digest] = path;
    return info;
  }
  Status AddBlob(const std::string& digest, const std::string& content) override {
    const std::string path = blob_dir_ + "/" + HexOf(digest);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, "create " + path);
    const ssize_t n = ::write(fd, content.data(), content.size());
    const int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(content.size())) return ErrnoStatus(err, "write " + path);
    image_->blob_paths[digest] = path;
    return OkStatus();
  }

 private:
  std::string blob_dir_;
  BuiltImageFiles* image_;
};

void String(JsonWriter& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void StringArray(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.Key(key);
  w.StartArray();
  for (const std::string& v : values) String(w, v);
  w.EndArray();
}

// {"a":{},"b":{}}, as Docker writes ExposedPorts and Volumes.
void EmptyObjectSet(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.Key(key);
  w.StartObject();
  for (const std::string& v : values) {
    String(w, v);
    w.StartObject();
    w.EndObject();
  }
  w.EndObject();
}

void StringMap(JsonWriter& w, const char* key, const std::map<std::string, std::string>& values) {
  if (values.empty()) return;
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : values) {
    String(w, k);
    String(w, v);
  }
  w.EndObject();
}

void Platform(JsonWriter& w, const manifest::Platform& platform) {
  w.Key("architecture");
  String(w, platform.architecture);
  w.Key("os");
  String(w, platform.os);
  if (!platform.variant.empty()) {
    w.Key("variant");
    String(w, platform.variant);
  }
}

void Descriptor(JsonWriter& w, std::string_view media_type, const std::string& digest,
                int64_t size) {
  w.StartObject();
  w.Key("mediaType");
  w.String(media_type.data(), static_cast<rapidjson::SizeType>(media_type.size()));
  w.Key("digest");
  String(w, digest);
  w.Key("size");
  w.Int64(size);
}

std::string ConfigJson(const ImageSpec& spec, const ImageInfo& info) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("created");
  w.String(kCreated);
  Platform(w, info.platform);
  w.Key("config");
  w.StartObject();
  if (!spec.user.empty()) {
    w.Key("User");
    String(w, spec.user);
  }
  EmptyObjectSet(w, "ExposedPorts", spec.exposed_ports);
  StringArray(w, "Env", spec.env);
  StringArray(w, "Entrypoint", spec.entrypoint);
  StringArray(w, "Cmd", spec.cmd);
  EmptyObjectSet(w, "Volumes", spec.volumes);
  if (!spec.working_dir.empty()) {
    w.Key("WorkingDir");
    String(w, spec.working_dir);
  }
  StringMap(w, "Labels", spec.labels);
  if (!spec.stop_signal.empty()) {
    w.Key("StopSignal");
    String(w, spec.stop_signal);
  }
  w.EndObject();
  w.Key("rootfs");
  w.StartObject();
  w.Key("type");
  w.String("layers");
  StringArray(w, "diff_ids", info.diff_ids);
  if (info.diff_ids.empty()) {
    w.Key("diff_ids");
    w.StartArray();
    w.EndArray();
  }
  w.EndObject();
  if (spec.history) {
    w.Key("history");
    w.StartArray();
    for (size_t i = 0; i < spec.layers.size(); ++i) {
      w.StartObject();
      w.Key("created");
      w.String(kCreated);
      w.Key("created_by");
      String(w, spec.layers[i].created_by.empty() ? "cria test layer " + std::to_string(i)
                                                  : spec.layers[i].created_by);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return buffer.GetString();
}

std::string ManifestJson(const ImageSpec& spec, const ImageInfo& info) {
  const bool oci = spec.format == ManifestFormat::kOci;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("schemaVersion");
  w.Int(2);
  w.Key("mediaType");
  String(w, info.manifest_media_type);
  w.Key("config");
  Descriptor(w, oci ? manifest::kOciConfig : manifest::kDockerConfig, info.config_digest,
             static_cast<int64_t>(info.config_body.size()));
  w.EndObject();
  w.Key("layers");
  w.StartArray();
  for (size_t i = 0; i < info.layer_digests.size(); ++i) {
    Descriptor(w, info.layer_media_types[i], info.layer_digests[i], info.layer_sizes[i]);
    w.EndObject();
  }
  w.EndArray();
  if (oci) StringMap(w, "annotations", spec.annotations);
  w.EndObject();
  return buffer.GetString();
}

std::string LayerMediaType(const ImageSpec& spec, const LayerSpec& layer) {
  if (!layer.media_type_override.empty()) return layer.media_type_override;
  if (spec.format == ManifestFormat::kDockerSchema2) return std::string(manifest::kDockerLayerGzip);
  switch (layer.compression) {
    case Compression::kNone:
      return std::string(manifest::kOciLayerTar);
    case Compression::kGzip:
      return std::string(manifest::kOciLayerGzip);
    case Compression::kZstd:
      return std::string(manifest::kOciLayerZstd);
  }
  return "";
}

Status BuildInto(const ImageSpec& spec, BlobStore& store, ImageInfo& info) {
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (spec.format == ManifestFormat::kDockerSchema2 &&
        spec.layers[i].compression != Compression::kGzip) {
      return absl::InvalidArgumentError("layer " + std::to_string(i) +
                                        ": Docker schema 2 images need gzip layers");
    }
  }
  const manifest::Platform host = manifest::HostPlatform();
  info.platform.os = spec.os.empty() ? host.os : spec.os;
  info.platform.architecture = spec.architecture.empty() ? host.architecture : spec.architecture;
  info.platform.variant =
      spec.architecture.empty() && spec.variant.empty() ? host.variant : spec.variant;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    CRIA_ASSIGN_OR_RETURN(LayerBlobInfo layer, store.AddLayer(spec.layers[i]),
                          "build layer " + std::to_string(i));
    info.layer_digests.push_back(layer.digest);
    info.diff_ids.push_back(layer.diff_id);
    info.layer_sizes.push_back(layer.size);
    info.layer_media_types.push_back(LayerMediaType(spec, spec.layers[i]));
  }
  info.config_body = ConfigJson(spec, info);
  info.config_digest = digest::Sha256Digest(info.config_body);
  CRIA_RETURN_IF_ERROR(store.AddBlob(info.config_digest, info.config_body), "store config");
  info.manifest_media_type = std::string(
      spec.format == ManifestFormat::kOci ? manifest::kOciManifest : manifest::kDockerManifest);
  info.manifest_body = ManifestJson(spec, info);
  info.manifest_digest = digest::Sha256Digest(info.manifest_body);
  return OkStatus();
}

}  // namespace

std::string HexOf(const std::string& digest) {
  const size_t colon = digest.find(':');
  return colon == std::string::npos ? digest : digest.substr(colon + 1);
}

Result<BuiltImage> Build(const ImageSpec& spec) {
  BuiltImage image;
  MemoryStore store(&image);
  CRIA_RETURN_IF_ERROR(BuildInto(spec, store, image), "build image");
  return image;
}

Status BuildToDir(const ImageSpec& spec, const std::string& dir, BuiltImageFiles* out) {
  const std::string blob_dir = dir + "/blobs/sha256";
  std::error_code ec;
  std::filesystem::create_directories(blob_dir, ec);
  if (ec) return absl::InternalError("create " + blob_dir + ": " + ec.message());
  BuiltImageFiles image;
  DirStore store(std::filesystem::absolute(blob_dir).string(), &image);
  CRIA_RETURN_IF_ERROR(BuildInto(spec, store, image), "build image in " + dir);
  CRIA_RETURN_IF_ERROR(store.AddBlob(image.manifest_digest, image.manifest_body),
                       "store manifest in " + dir);
  *out = std::move(image);
  return OkStatus();
}

Result<BuiltIndex> BuildIndex(std::vector<std::pair<manifest::Platform, BuiltImage>> images,
                              bool docker_list) {
  BuiltIndex index;
  index.media_type = std::string(docker_list ? manifest::kDockerManifestList : manifest::kOciIndex);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("schemaVersion");
  w.Int(2);
  w.Key("mediaType");
  String(w, index.media_type);
  w.Key("manifests");
  w.StartArray();
  for (auto& [platform, image] : images) {
    if (docker_list && image.manifest_media_type != manifest::kDockerManifest) {
      return absl::InvalidArgumentError(
          "build index: a Docker manifest list needs Docker schema 2 images, got " +
          image.manifest_media_type);
    }
    Descriptor(w, image.manifest_media_type, image.manifest_digest,
               static_cast<int64_t>(image.manifest_body.size()));
    w.Key("platform");
    w.StartObject();
    Platform(w, platform);
    w.EndObject();
    w.EndObject();
    index.platforms.push_back(platform);
    index.images.push_back(std::move(image));
  }
  w.EndArray();
  w.EndObject();
  index.body = buffer.GetString();
  index.digest = digest::Sha256Digest(index.body);
  return index;
}

}  // namespace cria::image::testing

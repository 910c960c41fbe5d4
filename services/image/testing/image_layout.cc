// OCI layout, oci-archive and docker-archive writers.
#include "services/image/testing/image_layout.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "libs/digest/digest.h"
#include "libs/records/json_object.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "services/image/manifest/manifest.h"
#include "services/image/testing/layer_tar.h"

namespace cria::image::testing {
namespace {

namespace fs = std::filesystem;

Status WriteWholeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::InternalError("write " + path + " failed");
  return OkStatus();
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError("create " + dir + ": " + ec.message());
  return OkStatus();
}

Status WriteBlob(const std::string& dir, const std::string& digest, const std::string& content) {
  return WriteWholeFile(dir + "/blobs/sha256/" + HexOf(digest), content);
}

Status WriteImageBlobs(const std::string& dir, const BuiltImage& image) {
  for (const auto& [digest, content] : image.blobs) {
    CRIA_RETURN_IF_ERROR(WriteBlob(dir, digest, content), "write blob " + digest);
  }
  return WriteBlob(dir, image.manifest_digest, image.manifest_body);
}

// Adds (or replaces, by ref name) the index.json entry for a manifest or index.
Status AddIndexEntry(const std::string& dir, const std::string& media_type,
                     const std::string& digest, size_t size, const std::string& ref_name) {
  const std::string index_path = dir + "/index.json";
  rapidjson::Document index;
  if (fs::exists(index_path)) {
    std::ifstream in(index_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    CRIA_ASSIGN_OR_RETURN(index, records::ParseJsonObject(text.str()), "read " + index_path);
  } else {
    index.SetObject();
    index.AddMember("schemaVersion", 2, index.GetAllocator());
    index.AddMember("mediaType", rapidjson::Value(manifest::kOciIndex.data(), index.GetAllocator()),
                    index.GetAllocator());
    index.AddMember("manifests", rapidjson::Value(rapidjson::kArrayType), index.GetAllocator());
  }
  auto& alloc = index.GetAllocator();
  rapidjson::Value& manifests = index["manifests"];
  if (!ref_name.empty()) {
    for (auto it = manifests.Begin(); it != manifests.End();) {
      const auto annotations = it->FindMember("annotations");
      const bool same = annotations != it->MemberEnd() && annotations->value.IsObject() &&
                        annotations->value.HasMember(kRefNameAnnotation) &&
                        annotations->value[kRefNameAnnotation] == ref_name.c_str();
      it = same ? manifests.Erase(it) : it + 1;
    }
  }
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("mediaType", rapidjson::Value(media_type.c_str(), alloc), alloc);
  entry.AddMember("digest", rapidjson::Value(digest.c_str(), alloc), alloc);
  entry.AddMember("size", static_cast<int64_t>(size), alloc);
  if (!ref_name.empty()) {
    rapidjson::Value annotations(rapidjson::kObjectType);
    annotations.AddMember(kRefNameAnnotation, rapidjson::Value(ref_name.c_str(), alloc), alloc);
    entry.AddMember("annotations", annotations, alloc);
  }
  manifests.PushBack(entry, alloc);
  CRIA_ASSIGN_OR_RETURN(std::string text, records::SerializeJsonObject(index), "index.json");
  return WriteWholeFile(index_path, text);
}

Status StartLayout(const std::string& dir) {
  CRIA_RETURN_IF_ERROR(MakeDirs(dir + "/blobs/sha256"), "");
  return WriteWholeFile(dir + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
}

// A fresh temp dir beside `path`, removed by the destructor.
class ScratchDir {
 public:
  static Result<ScratchDir> Beside(const std::string& path) {
    std::string tmpl = path + ".tmp-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) return ErrnoStatus(errno, "mkdtemp " + tmpl);
    return ScratchDir(tmpl);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status TarDirectory(const std::string& dir, const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(LayerSpec spec, SpecOfDirectory(dir), "");
  CRIA_ASSIGN_OR_RETURN(LayerBlobInfo info, WriteLayerFile(spec, path), "");
  (void)info;
  return OkStatus();
}

struct ReadArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

Status WriteOciLayout(const std::string& dir, const BuiltImage& image,
                      const std::string& ref_name) {
  CRIA_RETURN_IF_ERROR(StartLayout(dir), "write OCI layout " + dir);
  CRIA_RETURN_IF_ERROR(WriteImageBlobs(dir, image), "write OCI layout " + dir);
  CRIA_RETURN_IF_ERROR(AddIndexEntry(dir, image.manifest_media_type, image.manifest_digest,
                                     image.manifest_body.size(), ref_name),
                       "write OCI layout " + dir);
  return OkStatus();
}

Status WriteOciLayout(const std::string& dir, const BuiltIndex& index,
                      const std::string& ref_name) {
  CRIA_RETURN_IF_ERROR(StartLayout(dir), "write OCI layout " + dir);
  for (const BuiltImage& image : index.images) {
    CRIA_RETURN_IF_ERROR(WriteImageBlobs(dir, image), "write OCI layout " + dir);
  }
  CRIA_RETURN_IF_ERROR(WriteBlob(dir, index.digest, index.body), "write OCI layout " + dir);
  CRIA_RETURN_IF_ERROR(
      AddIndexEntry(dir, index.media_type, index.digest, index.body.size(), ref_name),
      "write OCI layout " + dir);
  return OkStatus();
}

Status WriteOciArchive(const std::string& path, const BuiltImage& image,
                       const std::string& ref_name) {
  CRIA_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Beside(path), "write oci-archive");
  CRIA_RETURN_IF_ERROR(WriteOciLayout(scratch.path(), image, ref_name), "write oci-archive");
  return Annotate(TarDirectory(scratch.path(), path), "write oci-archive " + path);
}

Status WriteOciArchive(const std::string& path, const BuiltIndex& index,
                       const std::string& ref_name) {
  CRIA_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Beside(path), "write oci-archive");
  CRIA_RETURN_IF_ERROR(WriteOciLayout(scratch.path(), index, ref_name), "write oci-archive");
  return Annotate(TarDirectory(scratch.path(), path), "write oci-archive " + path);
}

Result<std::string> DecompressBlob(const std::string& blob) {
  std::unique_ptr<archive, ReadArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a.get(), blob.data(), blob.size()) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
    return absl::InvalidArgumentError(std::string("decompress blob: ") +
                                      archive_error_string(a.get()));
  }
  std::string out;
  char buffer[64 * 1024];
  while (true) {
    const la_ssize_t n = archive_read_data(a.get(), buffer, sizeof(buffer));
    if (n < 0) {
      return absl::InvalidArgumentError(std::string("decompress blob: ") +
                                        archive_error_string(a.get()));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

Status WriteDockerArchive(const std::string& path, const BuiltImage& image,
                          const std::vector<std::string>& repo_tags) {
  const std::string what = "write docker-archive " + path;
  CRIA_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Beside(path), what);
  const std::string config_name = HexOf(image.config_digest) + ".json";
  CRIA_RETURN_IF_ERROR(WriteWholeFile(scratch.path() + "/" + config_name, image.config_body), what);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  w.StartObject();
  w.Key("Config");
  w.String(config_name.c_str());
  w.Key("RepoTags");
  w.StartArray();
  for (const std::string& tag : repo_tags) w.String(tag.c_str());
  w.EndArray();
  w.Key("Layers");
  w.StartArray();
  for (size_t i = 0; i < image.layer_digests.size(); ++i) {
    const auto blob = image.blobs.find(image.layer_digests[i]);
    if (blob == image.blobs.end()) {
      return absl::NotFoundError(what + ": no blob " + image.layer_digests[i]);
    }
    CRIA_ASSIGN_OR_RETURN(std::string tar, DecompressBlob(blob->second),
                          what + ": layer " + image.layer_digests[i]);
    if (digest::Sha256Digest(tar) != image.diff_ids[i]) {
      return absl::DataLossError(what + ": layer " + image.layer_digests[i] +
                                 " does not decompress to diffID " + image.diff_ids[i]);
    }
    const std::string layer_dir = HexOf(image.diff_ids[i]);
    CRIA_RETURN_IF_ERROR(MakeDirs(scratch.path() + "/" + layer_dir), what);
    CRIA_RETURN_IF_ERROR(WriteWholeFile(scratch.path() + "/" + layer_dir + "/layer.tar", tar),
                         what);
    w.String((layer_dir + "/layer.tar").c_str());
  }
  w.EndArray();
  w.EndObject();
  w.EndArray();
  CRIA_RETURN_IF_ERROR(
      WriteWholeFile(scratch.path() + "/manifest.json", std::string(buffer.GetString()) + "\n"),
      what);
  return Annotate(TarDirectory(scratch.path(), path), what);
}

}  // namespace cria::image::testing

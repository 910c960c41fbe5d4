// Pushing with the registry's upload API: TestRegistry for small blobs in memory, libcurl
// with a read callback for blob files.
#include "services/image/testing/image_push.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>

#include "services/image/registry/http.h"

namespace cria::image::testing {
namespace {

namespace http = registry::http;
using registry::BasicAuthHeader;
using registry::testing::RegistryTls;

constexpr std::chrono::milliseconds kTimeout{30000};

http::Options UploadOptions(const TestRegistry& registry) {
  return registry.ClientOptions(kTimeout);
}

size_t ReadFromFile(char* buffer, size_t size, size_t nitems, void* user) {
  FILE* file = static_cast<FILE*>(user);
  const size_t n = std::fread(buffer, 1, size * nitems, file);
  if (n == 0 && std::ferror(file)) return CURL_READFUNC_ABORT;
  return n;
}

size_t CollectBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() < 4096) body->append(data, size * nmemb);
  return size * nmemb;
}

// HEAD /v2/<repo>/blobs/<digest>: whether the registry already has the blob.
Result<bool> HasBlob(TestRegistry& registry, const std::string& repo, const std::string& digest) {
  http::Request head;
  head.method = "HEAD";
  head.url = registry.base_url() + "/v2/" + repo + "/blobs/" + digest;
  if (registry.htpasswd_user()) head.headers.push_back(BasicAuthHeader(*registry.htpasswd_user()));
  CRIA_ASSIGN_OR_RETURN(http::Response response,
                        http::Perform(head, UploadOptions(registry), "HEAD blob " + digest), "");
  return response.status == 200;
}

// PUT `url` with the content of `path` as the body, as `registry`'s htpasswd user if any;
// over TLS, trusting its CA and presenting its client certificate when it wants one.
Status PutFile(const std::string& url, const std::string& path, const TestRegistry& registry) {
  const std::optional<RegistryTls>& tls = registry.tls();
  FILE* file = std::fopen(path.c_str(), "rbe");
  if (file == nullptr) return ErrnoStatus(errno, "open " + path);
  struct stat st;
  if (::fstat(fileno(file), &st) != 0) {
    const int err = errno;
    std::fclose(file);
    return ErrnoStatus(err, "stat " + path);
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    std::fclose(file);
    return absl::InternalError("curl_easy_init failed");
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
  headers = curl_slist_append(headers, "Expect:");
  if (registry.htpasswd_user()) {
    headers = curl_slist_append(headers, BasicAuthHeader(*registry.htpasswd_user()).c_str());
  }
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (tls) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls->ca_file.c_str());
    if (!tls->client_ca_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSLCERT, tls->client_cert_file.c_str());
      curl_easy_setopt(curl, CURLOPT_SSLKEY, tls->client_key_file.c_str());
    }
  }
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadFromFile);
  curl_easy_setopt(curl, CURLOPT_READDATA, file);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(st.st_size));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kTimeout.count()));
  // Abort if fewer than 1 byte/s moves for the timeout.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(kTimeout.count() / 1000));
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  std::fclose(file);
  if (rc != CURLE_OK) {
    return absl::UnavailableError("PUT " + path + ": " + curl_easy_strerror(rc));
  }
  if (status != 201) {
    return absl::InternalError("PUT " + path + ": HTTP " + std::to_string(status) + " " + body);
  }
  return OkStatus();
}

Status PushManifestAndBlobs(TestRegistry& registry, const std::string& repo,
                            const std::string& tag_or_digest, const BuiltImage& image) {
  for (const auto& [digest, content] : image.blobs) {
    CRIA_RETURN_IF_ERROR(registry.PushBlob(repo, content), "push blob " + digest);
  }
  CRIA_RETURN_IF_ERROR(
      registry.PushManifest(repo, tag_or_digest, image.manifest_media_type, image.manifest_body),
      "push manifest " + image.manifest_digest);
  return OkStatus();
}

}  // namespace

Status Push(TestRegistry& registry, const std::string& repo, const std::string& tag,
            const BuiltImage& image) {
  return Annotate(PushManifestAndBlobs(registry, repo, tag, image), "push " + repo + ":" + tag);
}

Status Push(TestRegistry& registry, const std::string& repo, const std::string& tag,
            const BuiltIndex& index) {
  for (const BuiltImage& image : index.images) {
    CRIA_RETURN_IF_ERROR(PushManifestAndBlobs(registry, repo, image.manifest_digest, image),
                         "push " + repo + ":" + tag);
  }
  CRIA_RETURN_IF_ERROR(registry.PushManifest(repo, tag, index.media_type, index.body),
                       "push index " + repo + ":" + tag);
  return OkStatus();
}

Status PushBlobFile(TestRegistry& registry, const std::string& repo, const std::string& digest,
                    const std::string& path) {
  http::Request post;
  post.method = "POST";
  post.url = registry.base_url() + "/v2/" + repo + "/blobs/uploads/";
  if (registry.htpasswd_user()) post.headers.push_back(BasicAuthHeader(*registry.htpasswd_user()));
  CRIA_ASSIGN_OR_RETURN(http::Response started,
                        http::Perform(post, UploadOptions(registry), "start upload"),
                        "push blob " + digest);
  if (started.status != 202) {
    return absl::InternalError("push blob " + digest + ": upload POST: HTTP " +
                               std::to_string(started.status));
  }
  std::string location = started.Header("location");
  if (location.rfind("http", 0) != 0) location = registry.base_url() + location;
  location += (location.find('?') == std::string::npos ? "?" : "&");
  location += "digest=" + digest;
  return Annotate(PutFile(location, path, registry), "push blob " + digest);
}

Status PushFiles(TestRegistry& registry, const std::string& repo, const std::string& tag,
                 const BuiltImageFiles& image) {
  for (const auto& [digest, path] : image.blob_paths) {
    if (digest == image.manifest_digest) continue;
    CRIA_ASSIGN_OR_RETURN(bool present, HasBlob(registry, repo, digest), "push " + repo);
    if (present) continue;
    CRIA_RETURN_IF_ERROR(PushBlobFile(registry, repo, digest, path), "push " + repo + ":" + tag);
  }
  CRIA_RETURN_IF_ERROR(
      registry.PushManifest(repo, tag, image.manifest_media_type, image.manifest_body),
      "push manifest " + repo + ":" + tag);
  return OkStatus();
}

}  // namespace cria::image::testing

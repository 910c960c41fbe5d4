#include "services/image/registry/registry_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <utility>
#include <vector>

#include "libs/digest/digest.h"
#include "rapidjson/document.h"

namespace cria::image::registry {

using digest::DigestHasher;
using digest::Sha256Digest;
namespace {

std::string Describe(const reference::Reference& ref, const std::string& object) {
  return object + " in repository " + ref.repository + " at registry " + ref.registry;
}

// The registry error codes of an OCI error body ({"errors":[{"code":...}]}), if any.
std::string ErrorCodes(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "";
  auto errors = doc.FindMember("errors");
  if (errors == doc.MemberEnd() || !errors->value.IsArray()) return "";
  std::string out;
  for (const auto& e : errors->value.GetArray()) {
    if (!e.IsObject()) continue;
    auto code = e.FindMember("code");
    if (code == e.MemberEnd() || !code->value.IsString()) continue;
    if (!out.empty()) out += ",";
    out += code->value.GetString();
  }
  return out;
}

Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write blob");
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

std::string StripParameters(std::string content_type) {
  size_t semi = content_type.find(';');
  if (semi != std::string::npos) content_type.resize(semi);
  while (!content_type.empty() && content_type.back() == ' ') content_type.pop_back();
  return content_type;
}

}  // namespace

Status StatusForHttp(long status, const std::string& what, const std::string& body,
                     const std::string& retry_after) {
  std::string codes = ErrorCodes(body);
  std::string suffix = "HTTP " + std::to_string(status) + (codes.empty() ? "" : " " + codes);
  if (status == 401) return absl::UnauthenticatedError(what + ": " + suffix + " (unauthenticated)");
  if (status == 403) return absl::PermissionDeniedError(what + ": " + suffix + " (denied)");
  if (status == 404) return absl::NotFoundError(what + ": " + suffix + " (not found)");
  if (status == 429 || status >= 500) {
    // Retry-After in seconds; the HTTP-date form is treated as absent.
    long seconds = std::atol(retry_after.c_str());
    return http::MarkRetryable(absl::UnavailableError(what + ": " + suffix + " (retryable)"),
                               std::chrono::seconds(std::clamp(seconds, 0L, 300L)));
  }
  return absl::UnknownError(what + ": unexpected " + suffix);
}

RegistryClient::RegistryClient(RegistryClientOptions options) : options_(std::move(options)) {}

std::string RegistryClient::BaseUrl(const reference::Reference& ref) const {
  std::string host = ref.registry == reference::kDockerHub ? "registry-1.docker.io" : ref.registry;
  return options_.scheme + "://" + host + "/v2/" + ref.repository;
}

Result<http::Response> RegistryClient::Send(const reference::Reference& ref, http::Request request,
                                            const std::string& what) {
  http::Options http_options{options_.timeout, options_.tls};
  const std::string scope = "repository:" + ref.repository + ":pull";
  const std::string key = ref.registry + "|" + scope;
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(key);
    if (it != tokens_.end()) token = it->second;
  }
  std::vector<std::string> base_headers = request.headers;
  if (options_.credentials && !options_.credentials->registry_token.empty()) {
    request.headers.push_back("Authorization: Bearer " + options_.credentials->registry_token);
    return http::Perform(request, http_options, what);
  }
  if (!token.empty()) {
    request.headers.push_back("Authorization: Bearer " + token);
  } else if (options_.credentials && !options_.credentials->username.empty()) {
    request.headers.push_back(BasicAuthHeader(*options_.credentials));
  }
  CRIA_ASSIGN_OR_RETURN(http::Response response, http::Perform(request, http_options, what), "");
  if (response.status != 401) return response;

  auto challenge = ParseChallenge(response.Header("www-authenticate"));
  if (!challenge.ok() || challenge->scheme != "bearer") return response;
  // The scope the registry asks for, or this repository's pull scope.
  const std::string want_scope = challenge->scope.empty() ? scope : challenge->scope;
  CRIA_ASSIGN_OR_RETURN(
      token, FetchBearerToken(*challenge, want_scope, options_.credentials, http_options, what),
      "");
  {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_[key] = token;
  }
  request.headers = base_headers;
  request.headers.push_back("Authorization: Bearer " + token);
  return http::Perform(request, http_options, what);
}

Result<FetchedManifest> RegistryClient::FetchManifest(const reference::Reference& ref,
                                                      const std::string& tag_or_digest,
                                                      const std::string& expected_digest) {
  const std::string what = "GET " + Describe(ref, "manifest " + tag_or_digest);
  http::Request request;
  request.url = BaseUrl(ref) + "/manifests/" + tag_or_digest;
  request.headers.push_back("Accept: " + std::string(manifest::kOciManifest) + ", " +
                            std::string(manifest::kOciIndex) + ", " +
                            std::string(manifest::kDockerManifest) + ", " +
                            std::string(manifest::kDockerManifestList));
  request.max_body_bytes = options_.max_manifest_bytes;
  auto response = Send(ref, std::move(request), what);
  if (!response.ok()) {
    if (response.status().code() == StatusCode::kResourceExhausted) {
      return absl::ResourceExhaustedError(what + ": manifest exceeds the limit of " +
                                          std::to_string(options_.max_manifest_bytes) + " bytes");
    }
    return response.status();
  }
  if (response->status != 200)
    return StatusForHttp(response->status, what, response->body, response->Header("retry-after"));

  FetchedManifest out;
  out.body = std::move(response->body);
  out.content_type = StripParameters(response->Header("content-type"));
  out.digest = Sha256Digest(out.body);
  if (!expected_digest.empty()) {
    CRIA_ASSIGN_OR_RETURN(DigestHasher hasher, DigestHasher::ForDigest(expected_digest), what);
    hasher.Update(out.body.data(), out.body.size());
    std::string actual = hasher.Finish();
    if (actual != expected_digest) {
      return absl::DataLossError(what + ": content has digest " + actual + ", expected " +
                                 expected_digest);
    }
  }
  return out;
}

Result<FetchedManifest> RegistryClient::GetManifest(const reference::Reference& ref) {
  if (!ref.digest.empty()) return FetchManifest(ref, ref.digest, ref.digest);
  if (ref.tag.empty()) {
    return absl::InvalidArgumentError("reference " + ref.String() + " has neither tag nor digest");
  }
  return FetchManifest(ref, ref.tag, "");
}

Result<FetchedManifest> RegistryClient::GetManifestByDigest(const reference::Reference& ref,
                                                            const std::string& digest) {
  CRIA_RETURN_IF_ERROR(DigestHasher::ForDigest(digest).status(),
                       "GET " + Describe(ref, "manifest " + digest));
  return FetchManifest(ref, digest, digest);
}

Result<int64_t> RegistryClient::HeadBlob(const reference::Reference& ref,
                                         const std::string& digest) {
  const std::string what = "HEAD " + Describe(ref, "blob " + digest);
  http::Request request;
  request.method = "HEAD";
  request.url = BaseUrl(ref) + "/blobs/" + digest;
  CRIA_ASSIGN_OR_RETURN(http::Response response, Send(ref, std::move(request), what), "");
  if (response.status != 200)
    return StatusForHttp(response.status, what, response.body, response.Header("retry-after"));
  std::string length = response.Header("content-length");
  if (length.empty()) return int64_t{-1};
  char* end = nullptr;
  long long n = std::strtoll(length.c_str(), &end, 10);
  if (end == length.c_str() || *end != '\0' || n < 0) return int64_t{-1};
  return static_cast<int64_t>(n);
}

Status RegistryClient::FetchBlob(const reference::Reference& ref, const std::string& digest, int fd,
                                 uint64_t max_bytes, uint64_t* bytes_written,
                                 const std::function<bool(uint64_t)>& on_bytes) {
  const std::string what = "GET " + Describe(ref, "blob " + digest);
  CRIA_ASSIGN_OR_RETURN(DigestHasher hasher, DigestHasher::ForDigest(digest), what);
  uint64_t total = 0;
  http::Request request;
  request.url = BaseUrl(ref) + "/blobs/" + digest;
  request.max_body_bytes = 64 << 10;  // error bodies only
  request.sink = [&](const char* data, size_t size) -> Status {
    total += size;
    if (max_bytes != 0 && total > max_bytes) {
      return absl::ResourceExhaustedError(what + ": blob exceeds the limit of " +
                                          std::to_string(max_bytes) + " bytes");
    }
    hasher.Update(data, size);
    if (on_bytes && !on_bytes(total)) return absl::CancelledError(what + ": stopped");
    return Annotate(WriteAll(fd, data, size), what);
  };
  CRIA_ASSIGN_OR_RETURN(http::Response response, Send(ref, std::move(request), what), "");
  if (bytes_written != nullptr) *bytes_written = total;
  if (response.status != 200)
    return StatusForHttp(response.status, what, response.body, response.Header("retry-after"));
  std::string actual = hasher.Finish();
  if (actual != digest) {
    return absl::DataLossError(what + ": content has digest " + actual + " (" +
                               std::to_string(total) + " bytes), expected " + digest);
  }
  return OkStatus();
}

Status RegistryClient::FetchBlobToFile(const reference::Reference& ref, const std::string& digest,
                                       const std::string& path, uint64_t max_bytes,
                                       const std::function<bool(uint64_t)>& on_bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  Status status = FetchBlob(ref, digest, fd, max_bytes, nullptr, on_bytes);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus(errno, "close " + path);
  if (!status.ok()) ::unlink(path.c_str());
  return status;
}

Result<std::string> RegistryClient::FetchSmallBlob(const reference::Reference& ref,
                                                   const std::string& digest, size_t max_bytes) {
  const std::string what = "GET " + Describe(ref, "blob " + digest);
  CRIA_ASSIGN_OR_RETURN(DigestHasher hasher, DigestHasher::ForDigest(digest), what);
  std::string body;
  http::Request request;
  request.url = BaseUrl(ref) + "/blobs/" + digest;
  request.max_body_bytes = 64 << 10;
  request.sink = [&](const char* data, size_t size) -> Status {
    if (body.size() + size > max_bytes) {
      return absl::ResourceExhaustedError(what + ": blob exceeds the limit of " +
                                          std::to_string(max_bytes) + " bytes");
    }
    body.append(data, size);
    return OkStatus();
  };
  CRIA_ASSIGN_OR_RETURN(http::Response response, Send(ref, std::move(request), what), "");
  if (response.status != 200)
    return StatusForHttp(response.status, what, response.body, response.Header("retry-after"));
  hasher.Update(body.data(), body.size());
  std::string actual = hasher.Finish();
  if (actual != digest) {
    return absl::DataLossError(what + ": content has digest " + actual + ", expected " + digest);
  }
  return body;
}

}  // namespace cria::image::registry

// Client for the OCI distribution API / Docker Registry HTTP API v2: manifests and blobs,
// digest-verified, with Basic and bearer-token authentication.
//
// Every error names the registry, repository and reference or digest, never credentials
// or tokens. HTTP statuses map to codes: 401 → Unauthenticated, 403 → PermissionDenied,
// 404 → NotFound, 429 and 5xx → Unavailable ("retryable"); transport failures (refused,
// reset) → Unavailable, a stalled transfer → DeadlineExceeded. No retries are made here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "libs/status/status.h"
#include "services/image/manifest/manifest.h"
#include "services/image/reference/reference.h"
#include "services/image/registry/auth.h"
#include "services/image/registry/http.h"

namespace cria::image::registry {

struct RegistryClientOptions {
  // "https", or "http" for loopback / configured-insecure registries (the caller decides).
  std::string scheme = "https";
  // Connect timeout, and how long a transfer may stall before it is aborted.
  std::chrono::milliseconds timeout{30000};
  std::optional<Credentials> credentials;
  http::Tls tls;
  // Cap on a manifest body; beyond it the transfer is aborted (ResourceExhausted).
  size_t max_manifest_bytes = manifest::kMaxManifestBytes;
};

struct FetchedManifest {
  std::string body;
  std::string content_type;  // the Content-Type the registry sent (parameters dropped)
  std::string digest;        // "sha256:<hex>" of body, computed locally
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryClientOptions options);

  // GET /v2/<repo>/manifests/<digest or tag> (the digest wins when the reference has
  // both), accepting OCI/Docker manifests and indexes. With a digest in `ref`, the body
  // must hash to it (DataLoss naming both digests otherwise).
  Result<FetchedManifest> GetManifest(const reference::Reference& ref);
  // The manifest `digest` of ref's repository (ref's tag and digest are ignored).
  Result<FetchedManifest> GetManifestByDigest(const reference::Reference& ref,
                                              const std::string& digest);

  // HEAD /v2/<repo>/blobs/<digest>: the blob's size (Content-Length), -1 when not sent.
  Result<int64_t> HeadBlob(const reference::Reference& ref, const std::string& digest);

  // Streams blob `digest` into `fd` (written at its current offset), following redirects
  // and hashing as it streams; DataLoss naming the blob when the content does not match.
  // Fails with ResourceExhausted beyond `max_bytes` (0: no limit). The blob is never held
  // in memory. On error, bytes already written stay in fd (the caller discards the file).
  // `bytes_written` (optional) receives the byte count; `on_bytes` (optional) is called
  // with the running total as data arrives, and stops the transfer (Cancelled) by
  // returning false.
  Status FetchBlob(const reference::Reference& ref, const std::string& digest, int fd,
                   uint64_t max_bytes = 0, uint64_t* bytes_written = nullptr,
                   const std::function<bool(uint64_t)>& on_bytes = nullptr);
  // As above into a file at `path`, created (mode 0644) or truncated; removed on error.
  // Not fsynced: the file is a download its caller consumes at once (a crash loses it
  // with the pull it belongs to).
  Status FetchBlobToFile(const reference::Reference& ref, const std::string& digest,
                         const std::string& path, uint64_t max_bytes = 0,
                         const std::function<bool(uint64_t)>& on_bytes = nullptr);
  // A small blob (an image config) in memory, verified; ResourceExhausted beyond max_bytes.
  Result<std::string> FetchSmallBlob(const reference::Reference& ref, const std::string& digest,
                                     size_t max_bytes = manifest::kMaxConfigBytes);

 private:
  // Performs `request` for `ref`'s repository with authentication: sends the cached
  // bearer token for the repository's pull scope, else Basic credentials if any; on a
  // 401 bearer challenge fetches a token and retries once. `what` names the operation.
  Result<http::Response> Send(const reference::Reference& ref, http::Request request,
                              const std::string& what);
  std::string BaseUrl(const reference::Reference& ref) const;
  Result<FetchedManifest> FetchManifest(const reference::Reference& ref,
                                        const std::string& tag_or_digest,
                                        const std::string& expected_digest);

  RegistryClientOptions options_;
  std::mutex mu_;
  std::map<std::string, std::string> tokens_;  // "registry|scope" → bearer token
};

// The error for a non-2xx HTTP status, `what` naming the operation and object; the
// registry error codes in `body` ({"errors":[{"code":...}]}) are appended when present.
// A 429 or 5xx is retryable (http::IsRetryable), with `retry_after` (the header, seconds).
Status StatusForHttp(long status, const std::string& what, const std::string& body = "",
                     const std::string& retry_after = "");

}  // namespace cria::image::registry

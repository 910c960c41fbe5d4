#include "services/image/registry/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

namespace cria::image::registry::http {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* curl = nullptr;
  const Request* request = nullptr;
  Response* response = nullptr;
  Status sink_status;
  bool too_large = false;
  // Stall detection: the transfer is aborted when no byte moves for `stall_limit`.
  std::chrono::steady_clock::duration stall_limit{};
  std::chrono::steady_clock::time_point last_progress = std::chrono::steady_clock::now();
  curl_off_t last_bytes = 0;
  bool stalled = false;
};

int ProgressCallback(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                     curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  auto now = std::chrono::steady_clock::now();
  if (dlnow + ulnow != t->last_bytes) {
    t->last_bytes = dlnow + ulnow;
    t->last_progress = now;
    return 0;
  }
  if (now - t->last_progress > t->stall_limit) {
    t->stalled = true;
    return 1;
  }
  return 0;
}

bool IsSuccess(long code) { return code >= 200 && code < 300; }

size_t WriteCallback(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (t->request->sink && IsSuccess(code)) {
    t->sink_status = t->request->sink(data, n);
    return t->sink_status.ok() ? n : 0;
  }
  if (t->response->body.size() + n > t->request->max_body_bytes) {
    t->too_large = true;
    return 0;
  }
  t->response->body.append(data, n);
  return n;
}

size_t HeaderCallback(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or 100-continue): forget the previous one.
    t->response->headers.clear();
    t->response->body.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  size_t start = colon + 1;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  t->response->headers[name] = line.substr(start);
  return n;
}

struct ReadState {
  const std::string* body;
  size_t offset = 0;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* user) {
  auto* r = static_cast<ReadState*>(user);
  size_t n = std::min(size * nitems, r->body->size() - r->offset);
  std::copy_n(r->body->data() + r->offset, n, buffer);
  r->offset += n;
  return n;
}

// The system's CA bundle (Debian's ca-certificates), read once.
const std::string& SystemCaBundle() {
  static const std::string bundle = [] {
    std::ifstream in("/etc/ssl/certs/ca-certificates.crt");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }();
  return bundle;
}

constexpr char kRetryablePayload[] = "cria.image/retryable";
constexpr char kRetryAfterPayload[] = "cria.image/retry-after";

}  // namespace

Status MarkRetryable(Status status, std::chrono::seconds retry_after) {
  status.SetPayload(kRetryablePayload, absl::Cord("1"));
  if (retry_after.count() > 0) {
    status.SetPayload(kRetryAfterPayload, absl::Cord(std::to_string(retry_after.count())));
  }
  return status;
}

bool IsRetryable(const Status& status) { return status.GetPayload(kRetryablePayload).has_value(); }

std::chrono::seconds RetryAfter(const Status& status) {
  auto value = status.GetPayload(kRetryAfterPayload);
  if (!value) return std::chrono::seconds(0);
  return std::chrono::seconds(std::atol(std::string(*value).c_str()));
}

std::string Response::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<Response> Perform(const Request& request, const Options& options, const std::string& what) {
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError(what + ": curl_easy_init failed");
  Response response;
  Transfer transfer;
  transfer.curl = curl;
  transfer.request = &request;
  transfer.response = &response;
  transfer.stall_limit = options.timeout;
  ReadState read_state{&request.body, 0};
  curl_slist* headers = nullptr;
  for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  if (request.method == "PUT" || request.method == "POST") {
    // An empty Expect: avoids the 1 s wait for "100 Continue".
    headers = curl_slist_append(headers, "Expect:");
  }

  char error_buffer[CURL_ERROR_SIZE] = {0};
  long timeout_ms = static_cast<long>(options.timeout.count());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, ProgressCallback);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // HTTP/1.1: every request has a connection of its own anyway, and TLS 1.3 refusals that
  // come after the handshake (a missing client certificate) then surface as the TLS alert
  // they are rather than as an HTTP/2 stream error.
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  std::string ca_bundle;
  if (!options.tls.extra_ca_pem.empty()) {
    // CAINFO_BLOB replaces the system bundle: send both.
    ca_bundle = SystemCaBundle() + "\n" + options.tls.extra_ca_pem;
    curl_blob blob{ca_bundle.data(), ca_bundle.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!options.tls.client_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options.tls.client_cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, options.tls.client_key_file.c_str());
  }
  if (!options.tls.verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(curl, CURLOPT_READDATA, &read_state);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    response.effective_url = effective;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  if (rc == CURLE_OK) return response;
  if (!transfer.sink_status.ok()) return transfer.sink_status;
  if (transfer.too_large) {
    return absl::ResourceExhaustedError(what + ": response body exceeds the limit of " +
                                        std::to_string(request.max_body_bytes) + " bytes");
  }
  if (transfer.stalled) {
    return MarkRetryable(absl::DeadlineExceededError(what + ": no data for " +
                                                     std::to_string(timeout_ms) +
                                                     " ms, transfer aborted (retryable)"));
  }
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return MarkRetryable(
          absl::DeadlineExceededError(what + ": timed out (retryable): " + detail));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      // A certificate problem does not go away by trying again.
      return absl::UnavailableError(what + ": TLS failed: " + detail);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      // A TLS alert from the server (e.g. "bad certificate") is a refusal, not a blip.
      if (detail.find("alert") != std::string::npos) {
        return absl::UnavailableError(what + ": TLS failed: " + detail);
      }
      return MarkRetryable(
          absl::UnavailableError(what + ": transfer failed (retryable): " + detail));
    default:
      return MarkRetryable(
          absl::UnavailableError(what + ": transfer failed (retryable): " + detail));
  }
}

}  // namespace cria::image::registry::http

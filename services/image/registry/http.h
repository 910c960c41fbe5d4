// A small synchronous HTTP client on libcurl: one request, response headers, a body that is
// either collected in memory up to a cap or streamed to a sink. Knows nothing about
// registries; callers map status codes to errors.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "libs/status/status.h"

namespace cria::image::registry::http {

struct Request {
  std::string method = "GET";  // GET, HEAD, POST, PUT
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent for POST/PUT
  bool follow_redirects = true;
  // Cap on a body collected in memory (no sink, or a non-2xx response). Beyond it the
  // transfer is aborted and Perform returns ResourceExhausted.
  size_t max_body_bytes = 1 << 20;
  // When set, a 2xx response body is passed here chunk by chunk instead of being kept;
  // returning false aborts the transfer (Perform then returns the sink's status).
  std::function<Status(const char* data, size_t size)> sink;
};

struct Response {
  long status = 0;
  // Header names lowercased; the last value wins for repeated headers, except that
  // the headers of redirect responses are discarded.
  std::map<std::string, std::string> headers;
  std::string body;  // empty when streamed to a sink
  std::string effective_url;

  std::string Header(const std::string& lowercase_name) const;
};

// TLS settings for one registry host.
struct Tls {
  // PEM CA certificates trusted in addition to the system's (empty: the system's only).
  std::string extra_ca_pem;
  // A client certificate and its key (PEM files); both or neither.
  std::string client_cert_file, client_key_file;
  // false only for registries configured insecure.
  bool verify = true;
};

struct Options {
  // Connect timeout; a transfer in which no byte moves for this long (checked about once
  // a second) is aborted with DeadlineExceeded.
  std::chrono::milliseconds timeout{30000};
  Tls tls;
};

// Transient failures (connection refused or reset, stalls, 5xx, 429) carry a payload that
// says so, and a 429's Retry-After seconds; callers retry only those.
Status MarkRetryable(Status status, std::chrono::seconds retry_after = std::chrono::seconds(0));
bool IsRetryable(const Status& status);
// The registry's Retry-After (0 when it sent none).
std::chrono::seconds RetryAfter(const Status& status);

// Performs `request`. Transport failures: connection refused / host unreachable / reset →
// Unavailable, timeout or stall → DeadlineExceeded, both retryable; TLS certificate
// failures → Unavailable, not retryable. `what` prefixes every message (e.g. "GET manifest ...").
// HTTP error statuses are not errors here: they come back in Response::status.
Result<Response> Perform(const Request& request, const Options& options, const std::string& what);

}  // namespace cria::image::registry::http

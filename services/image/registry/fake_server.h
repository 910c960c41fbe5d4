// Test helper: a minimal HTTP/1.1 server on 127.0.0.1 (one request per connection,
// "Connection: close") whose answers a test scripts, for cases a real registry cannot
// produce: bearer-token challenges, 5xx/429, oversized manifests, stalls.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace cria::image::registry::testing {

struct FakeReply {
  std::string raw;   // the full response: status line, headers, blank line, body
  int stall_ms = 0;  // after sending `raw`, keep the connection open this long
};

class FakeServer {
 public:
  // `handler` gets the request head (request line and headers) and returns the reply.
  // Connections are served one at a time. A TLS handshake gets a 400 without reaching the
  // handler, as from a real plain-HTTP server (an https probe then fails at once).
  explicit FakeServer(std::function<FakeReply(const std::string& head)> handler);
  ~FakeServer();  // stops the accept loop and joins the thread
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void Loop();

  std::function<FakeReply(const std::string&)> handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// "HTTP/1.1 <code> X\r\n<headers>Content-Length: n\r\nConnection: close\r\n\r\n<body>".
std::string HttpReply(int code, const std::string& headers, const std::string& body);

}  // namespace cria::image::registry::testing

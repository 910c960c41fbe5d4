#include "services/image/registry/fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace cria::image::registry::testing {

std::string HttpReply(int code, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(code) + " X\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

FakeServer::FakeServer(std::function<FakeReply(const std::string& head)> handler)
    : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    std::abort();
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

FakeServer::~FakeServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void FakeServer::Loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      head.append(buf, static_cast<size_t>(n));
      // A TLS ClientHello (record type 22) never ends in a blank line: answer it as a
      // plain HTTP server does, at once, instead of waiting for the client to give up.
      if (head[0] == '\x16') break;
    }
    FakeReply reply = !head.empty() && head[0] == '\x16'
                          ? FakeReply{HttpReply(400, "", "plain HTTP server\n")}
                          : handler_(head);
    size_t off = 0;
    while (off < reply.raw.size()) {
      ssize_t n = ::send(fd, reply.raw.data() + off, reply.raw.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(reply.stall_ms);
    while (!stop_ && std::chrono::steady_clock::now() < until) {
      ::usleep(20000);
    }
    ::close(fd);
  }
}

}  // namespace cria::image::registry::testing

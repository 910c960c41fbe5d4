#include "services/image/registry/test_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "libs/digest/digest.h"
#include "services/image/registry/http.h"

extern char** environ;

namespace cria::image::registry::testing {

using digest::DigestHasher;
using digest::Sha256Digest;
namespace {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

}  // namespace

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

int RunAndWait(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t pid = Spawn(argv, log_path);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

Result<RegistryTls> MakeTestCertificates(const std::string& dir) {
  const std::string log = dir + "/openssl.log";
  auto run = [&](const std::vector<std::string>& argv) -> Status {
    if (RunAndWait(argv, log) == 0) return OkStatus();
    return absl::InternalError(argv[1] + " " + argv[2] + " failed: " + ReadFile(log));
  };
  const std::string openssl = "/usr/bin/openssl";
  RegistryTls tls;
  tls.ca_file = dir + "/ca.crt";
  tls.cert_file = dir + "/server.crt";
  tls.key_file = dir + "/server.key";
  tls.client_cert_file = dir + "/client.cert";
  tls.client_key_file = dir + "/client.key";
  CRIA_RETURN_IF_ERROR(
      run({openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
           "/CN=cria test CA", "-keyout", dir + "/ca.key", "-out", tls.ca_file}),
      "test CA");
  // The server certificate must name 127.0.0.1 as an IP SAN (the CN is not checked).
  WriteFile(dir + "/server.ext",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
            "basicConstraints=CA:FALSE\n");
  WriteFile(dir + "/client.ext", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
  for (const auto& [name, cert, key] :
       {std::tuple{std::string("server"), tls.cert_file, tls.key_file},
        std::tuple{std::string("client"), tls.client_cert_file, tls.client_key_file}}) {
    const std::string csr = dir + "/" + name + ".csr";
    CRIA_RETURN_IF_ERROR(run({openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj",
                              "/CN=cria test " + name, "-keyout", key, "-out", csr}),
                         name + " key");
    CRIA_RETURN_IF_ERROR(
        run({openssl, "x509", "-req", "-in", csr, "-CA", tls.ca_file, "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", dir + "/" + name + ".ext", "-out", cert}),
        name + " certificate");
  }
  return tls;
}

http::Options TestRegistry::ClientOptions(std::chrono::milliseconds timeout) const {
  http::Options options;
  options.timeout = timeout;
  if (tls_) {
    options.tls.extra_ca_pem = ReadFile(tls_->ca_file);
    if (!tls_->client_ca_file.empty()) {
      options.tls.client_cert_file = tls_->client_cert_file;
      options.tls.client_key_file = tls_->client_key_file;
    }
  }
  return options;
}

TestRegistry::TestRegistry(std::optional<Credentials> htpasswd_user, std::optional<RegistryTls> tls)
    : htpasswd_user_(std::move(htpasswd_user)), tls_(std::move(tls)) {
  port_ = FreePort();
  std::string config = "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n";
  config += "    rootdirectory: " + storage_dir() + "\n";
  config += "http:\n  addr: " + address() + "\n";
  if (tls_) {
    config += "  tls:\n    certificate: " + tls_->cert_file + "\n    key: " + tls_->key_file + "\n";
    if (!tls_->client_ca_file.empty())
      config += "    clientcas:\n      - " + tls_->client_ca_file + "\n";
  }
  if (htpasswd_user_) {
    std::string htpasswd = dir_.path() + "/htpasswd";
    int rc = RunAndWait(
        {"/usr/bin/htpasswd", "-Bbc", htpasswd, htpasswd_user_->username, htpasswd_user_->password},
        dir_.path() + "/htpasswd.log");
    if (rc != 0) return;
    config += "auth:\n  htpasswd:\n    realm: cria-test\n    path: " + htpasswd + "\n";
  }
  WriteFile(dir_.path() + "/config.yml", config);
  pid_ = Spawn({"/usr/bin/docker-registry", "serve", dir_.path() + "/config.yml"},
               dir_.path() + "/registry.log");
  if (pid_ < 0) return;
  // Ready when GET /v2/ answers (200, or 401 behind auth).
  http::Options options = ClientOptions(std::chrono::milliseconds(1000));
  for (int i = 0; i < 200; ++i) {
    http::Request request;
    request.url = base_url() + "/v2/";
    auto response = http::Perform(request, options, "probe");
    if (response.ok() && (response->status == 200 || response->status == 401)) {
      started_ = true;
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TestRegistry::~TestRegistry() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string TestRegistry::BlobDataPath(const std::string& digest) const {
  std::string hex = digest.substr(digest.find(':') + 1);
  return storage_dir() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex +
         "/data";
}

Status TestRegistry::PushBlob(const std::string& repo, const std::string& content,
                              const std::optional<Credentials>& given) {
  const std::optional<Credentials>& credentials = given ? given : htpasswd_user_;
  http::Options options = ClientOptions(std::chrono::milliseconds(5000));
  http::Request post;
  post.method = "POST";
  post.url = base_url() + "/v2/" + repo + "/blobs/uploads/";
  if (credentials) post.headers.push_back(BasicAuthHeader(*credentials));
  CRIA_ASSIGN_OR_RETURN(http::Response started, http::Perform(post, options, "push POST"), "");
  if (started.status != 202) {
    return absl::InternalError("upload POST: HTTP " + std::to_string(started.status));
  }
  std::string location = started.Header("location");
  if (location.rfind("http", 0) != 0) location = base_url() + location;
  location += (location.find('?') == std::string::npos ? "?" : "&");
  location += "digest=" + Sha256Digest(content);
  http::Request put;
  put.method = "PUT";
  put.url = location;
  put.body = content;
  put.headers.push_back("Content-Type: application/octet-stream");
  if (credentials) put.headers.push_back(BasicAuthHeader(*credentials));
  CRIA_ASSIGN_OR_RETURN(http::Response done, http::Perform(put, options, "push PUT"), "");
  if (done.status != 201) {
    return absl::InternalError("upload PUT: HTTP " + std::to_string(done.status) + " " + done.body);
  }
  return OkStatus();
}

Status TestRegistry::PushManifest(const std::string& repo, const std::string& tag_or_digest,
                                  const std::string& media_type, const std::string& body,
                                  const std::optional<Credentials>& given) {
  const std::optional<Credentials>& credentials = given ? given : htpasswd_user_;
  http::Options options = ClientOptions(std::chrono::milliseconds(5000));
  http::Request put;
  put.method = "PUT";
  put.url = base_url() + "/v2/" + repo + "/manifests/" + tag_or_digest;
  put.body = body;
  put.headers.push_back("Content-Type: " + media_type);
  if (credentials) put.headers.push_back(BasicAuthHeader(*credentials));
  CRIA_ASSIGN_OR_RETURN(http::Response done, http::Perform(put, options, "push manifest"), "");
  if (done.status != 201) {
    return absl::InternalError("manifest PUT: HTTP " + std::to_string(done.status) + " " +
                               done.body.substr(0, 300));
  }
  return OkStatus();
}

}  // namespace cria::image::registry::testing

// Test helpers: a real Debian docker-registry on 127.0.0.1 (free port, temp dir) run as a
// child process, plain HTTP or TLS (test certificates made with openssl), and a minimal
// push client for the upload API.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "libs/testing/temp_dir.h"
#include "services/image/registry/auth.h"
#include "services/image/registry/http.h"

namespace cria::image::registry::testing {

using cria::testing::TempDir;  // libs/testing/temp_dir.h

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Runs argv[0] (an absolute path) with `argv`, stdout/stderr to `log_path`, and waits:
// the exit status (or -1).
int RunAndWait(const std::vector<std::string>& argv, const std::string& log_path);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// PEM files for a registry served over TLS.
struct RegistryTls {
  std::string ca_file;              // the CA that signed cert_file; the push client trusts it
  std::string cert_file, key_file;  // the server's certificate (SAN IP:127.0.0.1) and key
  // When set, clients must present a certificate signed by this CA (http.tls.clientcas);
  // the push client presents client_cert_file with client_key_file.
  std::string client_ca_file;
  std::string client_cert_file, client_key_file;
};

// Makes, with the openssl command line, in `dir`: a test CA (ca.crt, ca.key), a server
// certificate for 127.0.0.1 (server.crt, server.key) and a client certificate
// (client.cert, client.key, Docker's certs.d names), both signed by the CA. The result
// names them all; client_ca_file is left empty (set it to ca_file to require client
// certificates).
Result<RegistryTls> MakeTestCertificates(const std::string& dir);

class TestRegistry {
 public:
  // Starts docker-registry; with `htpasswd_user`, behind htpasswd basic auth; with `tls`,
  // over https only.
  explicit TestRegistry(std::optional<Credentials> htpasswd_user = std::nullopt,
                        std::optional<RegistryTls> tls = std::nullopt);
  ~TestRegistry();  // stops the registry by PID, waits, removes the temp dir

  bool started() const { return started_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // "http" or, with TLS, "https"; base_url() is "<scheme>://<address>".
  std::string scheme() const { return tls_ ? "https" : "http"; }
  std::string base_url() const { return scheme() + "://" + address(); }
  const std::optional<RegistryTls>& tls() const { return tls_; }
  // Options for a client of this registry: trusts its CA, presents the client certificate.
  http::Options ClientOptions(std::chrono::milliseconds timeout) const;
  // The htpasswd user, if any: pushes made without credentials use it.
  const std::optional<Credentials>& htpasswd_user() const { return htpasswd_user_; }
  std::string storage_dir() const { return dir_.path() + "/data"; }
  // The file holding blob `digest` ("sha256:<hex>") in the registry's storage.
  std::string BlobDataPath(const std::string& digest) const;
  std::string log() const { return ReadFile(dir_.path() + "/registry.log"); }

  // Upload API: POST /v2/<repo>/blobs/uploads/ then PUT <location>?digest=...
  // `credentials` default to the htpasswd user.
  Status PushBlob(const std::string& repo, const std::string& content,
                  const std::optional<Credentials>& credentials = std::nullopt);
  // PUT /v2/<repo>/manifests/<tag_or_digest>.
  Status PushManifest(const std::string& repo, const std::string& tag_or_digest,
                      const std::string& media_type, const std::string& body,
                      const std::optional<Credentials>& credentials = std::nullopt);

 private:
  TempDir dir_;
  std::optional<Credentials> htpasswd_user_;
  std::optional<RegistryTls> tls_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
};

}  // namespace cria::image::registry::testing

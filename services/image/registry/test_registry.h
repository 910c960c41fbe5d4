// Test helpers: a real Debian docker-registry on 127.0.0.1 (free port, temp dir) run as a
// child process, and a minimal push client for the upload API.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "services/image/registry/auth.h"

namespace cria::image::registry::testing {

// A fresh temporary directory, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Runs argv[0] (an absolute path) with `argv`, stdout/stderr to `log_path`, and waits:
// the exit status (or -1).
int RunAndWait(const std::vector<std::string>& argv, const std::string& log_path);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

class TestRegistry {
 public:
  // Starts docker-registry; with `htpasswd_user`, behind htpasswd basic auth.
  explicit TestRegistry(std::optional<Credentials> htpasswd_user = std::nullopt);
  ~TestRegistry();  // stops the registry by PID, waits, removes the temp dir

  bool started() const { return started_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string storage_dir() const { return dir_.path() + "/data"; }
  // The file holding blob `digest` ("sha256:<hex>") in the registry's storage.
  std::string BlobDataPath(const std::string& digest) const;
  std::string log() const { return ReadFile(dir_.path() + "/registry.log"); }

  // Upload API: POST /v2/<repo>/blobs/uploads/ then PUT <location>?digest=...
  Status PushBlob(const std::string& repo, const std::string& content,
                  const std::optional<Credentials>& credentials = std::nullopt);
  // PUT /v2/<repo>/manifests/<tag_or_digest>.
  Status PushManifest(const std::string& repo, const std::string& tag_or_digest,
                      const std::string& media_type, const std::string& body,
                      const std::optional<Credentials>& credentials = std::nullopt);

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
};

}  // namespace cria::image::registry::testing

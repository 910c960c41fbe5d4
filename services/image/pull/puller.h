// Pulls images into the image store: resolves the name (short names, mirrors), fetches
// and verifies manifest and config, has the layers downloaded and unpacked (layers.h),
// pins the top layer for the image and records it. Concurrent pulls of the same image
// with the same credentials share one pull. Transient registry failures are retried with
// backoff; a failed pull undoes itself (pins dropped, unreferenced layers collected).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cria/image/v1/image.pb.h"
#include "libs/config/config.h"
#include "libs/status/status.h"
#include "services/image/manifest/config.h"
#include "services/image/manifest/manifest.h"
#include "services/image/pull/endpoint_clients.h"
#include "services/image/pull/layers.h"
#include "services/image/pull/pull_flight.h"
#include "services/image/pull/registry_hosts.h"
#include "services/image/pull/storage_link.h"
#include "services/image/store/image_store.h"
#include "services/image/store/lookup.h"
#include "services/image/transport/transport_ref.h"

namespace cria::image::pull {

struct PullSpec {
  std::string image;
  // From the CRI AuthConfig; wins over auth_file.
  std::optional<registry::Credentials> credentials;
};

using ProgressFn = std::function<void(const v1::PullProgress&)>;

class Puller {
 public:
  Puller(const config::ImageSection& config, store::ImageStore& images, StorageLink& storage);
  // Stops the pulls in flight and waits for them.
  ~Puller();
  // Makes the pulls in flight fail soon (Cancelled): downloads stop at their next bytes.
  void Stop() { stop_ = true; }

  // Pulls spec.image or joins the pull of it in flight. `progress` (optional) gets
  // snapshots while the caller waits; when `cancelled` (optional) returns true the
  // caller stops waiting with Cancelled (the pull goes on for the others).
  Result<store::ImageRecord> Pull(const PullSpec& spec, const ProgressFn& progress = nullptr,
                                  const std::function<bool()>& cancelled = nullptr);

  const store::NameRules& name_rules() const { return rules_; }

 private:
  // What a source (registry or local transport) yields before the layers are fetched.
  struct Content {
    std::string source;
    std::string manifest_body, manifest_digest;
    manifest::Manifest manifest;
    std::string config_body;
    manifest::ImageConfig config;
    std::vector<std::string> repo_tags, repo_digests;
  };

  Result<store::ImageRecord> Run(const PullSpec& spec, PullFlight& flight);
  // oci:, oci-archive:, docker-archive: images from local files.
  Result<store::ImageRecord> PullLocal(const transport::TransportRef& ref, PullFlight& flight);
  Result<store::ImageRecord> PullRegistry(const reference::Reference& ref, const PullSpec& spec,
                                          PullFlight& flight);
  Result<store::ImageRecord> PullFromEndpoint(registry::RegistryClient& client,
                                              const reference::Reference& source,
                                              const reference::Reference& name, PullFlight& flight);
  // Layers, pin, record: the common end of every pull.
  Result<store::ImageRecord> Commit(const Content& content, const FetchFn& fetch,
                                    PullFlight& flight);
  // Retries `attempt` while it fails transiently, up to pull_retries times.
  Status Retry(const std::string& what, const std::function<Status()>& attempt);

  config::ImageSection config_;
  store::ImageStore& images_;
  StorageLink& storage_;
  RegistryHosts hosts_;
  EndpointClients clients_;
  store::NameRules rules_;

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sequence_{0};
  std::mutex mu_;
  std::condition_variable idle_;
  int running_ = 0;                                               // guarded by mu_
  std::map<std::string, std::shared_ptr<PullFlight>> in_flight_;  // guarded by mu_
};

}  // namespace cria::image::pull

#include "services/image/pull/puller.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/clock/unix_time.h"
#include "libs/digest/digest.h"
#include "libs/log/log.h"
#include "services/image/manifest/platform.h"
#include "services/image/transport/local_source.h"

namespace cria::image::pull {
namespace {

using namespace std::chrono_literals;

std::string Hex(const std::string& digest) { return digest.substr(digest.find(':') + 1); }

// Pulls with other credentials are not shared: the key holds a hash of them.
std::string FlightKey(const PullSpec& spec) {
  if (!spec.credentials) return spec.image;
  const auto& c = *spec.credentials;
  return spec.image + "|" +
         digest::Sha256Digest(c.username + '\0' + c.password + '\0' + c.identity_token + '\0' +
                              c.registry_token);
}

}  // namespace

Puller::Puller(const config::ImageSection& config, store::ImageStore& images, StorageLink& storage)
    : config_(config),
      images_(images),
      storage_(storage),
      hosts_(config),
      clients_(config.registry_timeout),
      rules_{hosts_.search_registries(), hosts_.aliases()} {}

Puller::~Puller() {
  stop_ = true;
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return running_ == 0; });
}

Result<store::ImageRecord> Puller::Pull(const PullSpec& spec, const ProgressFn& progress,
                                        const std::function<bool()>& cancelled) {
  if (spec.image.empty()) return Status(StatusCode::kInvalidArgument, "no image given to pull");
  const std::string key = FlightKey(spec);
  std::shared_ptr<PullFlight> flight;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = in_flight_.find(key);
    if (it != in_flight_.end()) {
      flight = it->second;
    } else {
      flight = std::make_shared<PullFlight>();
      in_flight_[key] = flight;
      ++running_;
      std::thread([this, spec, key, flight] {
        Result<store::ImageRecord> outcome = Run(spec, *flight);
        {
          std::lock_guard<std::mutex> lock(mu_);
          in_flight_.erase(key);
        }
        flight->Finish(std::move(outcome));
        std::lock_guard<std::mutex> lock(mu_);
        --running_;
        idle_.notify_all();
      }).detach();
    }
  }
  uint64_t seen = 0;
  for (;;) {
    PullFlight::View view = flight->Wait(seen, 250ms);
    if (view.outcome) return *view.outcome;
    if (progress && view.version != seen) progress(view.progress);
    seen = view.version;
    if (cancelled && cancelled()) {
      return Status(StatusCode::kCancelled, "pull of " + spec.image + " cancelled by the caller");
    }
  }
}

Status Puller::Retry(const std::string& what, const std::function<Status()>& attempt) {
  for (int n = 1;; ++n) {
    Status s = attempt();
    if (s.ok() || n >= config_.pull_retries || !registry::http::IsRetryable(s) || stop_) return s;
    auto delay = std::chrono::milliseconds(250) * (1 << std::min(n - 1, 5));
    auto retry_after =
        std::chrono::duration_cast<std::chrono::milliseconds>(registry::http::RetryAfter(s));
    if (retry_after > delay) delay = std::min<std::chrono::milliseconds>(retry_after, 60s);
    log::Warn("registry request failed, retrying", {{"what", what},
                                                    {"attempt", std::to_string(n)},
                                                    {"delay_ms", std::to_string(delay.count())},
                                                    {"error", MessageOf(s)}});
    for (auto slept = 0ms; slept < delay && !stop_; slept += 50ms)
      std::this_thread::sleep_for(50ms);
  }
}

Result<store::ImageRecord> Puller::Run(const PullSpec& spec, PullFlight& flight) {
  CRIA_ASSIGN_OR_RETURN(std::optional<transport::TransportRef> local,
                        transport::ParseTransport(spec.image), "pull");
  if (local) return PullLocal(*local, flight);
  CRIA_ASSIGN_OR_RETURN(std::vector<reference::Reference> candidates,
                        store::Candidates(spec.image, rules_), "pull " + spec.image);
  Status last = OkStatus();
  std::string tried;
  for (const reference::Reference& ref : candidates) {
    Result<store::ImageRecord> pulled = PullRegistry(ref, spec, flight);
    if (pulled.ok()) return pulled;
    last = pulled.status();
    tried += (tried.empty() ? "" : ", ") + ref.String();
    // A short name goes on to the next search registry only when this one lacks it.
    if (last.code() != StatusCode::kNotFound) break;
  }
  if (candidates.size() > 1) {
    return Status(last.code(), std::string(last.message()) + " (tried " + tried + ")");
  }
  return last;
}

Result<store::ImageRecord> Puller::PullLocal(const transport::TransportRef& ref,
                                             PullFlight& flight) {
  Content content;
  content.source = ref.String();
  flight.Update([&](v1::PullProgress& p) { p.set_source(content.source); });
  CRIA_ASSIGN_OR_RETURN(std::string tmp, images_.MakeTempDir("local"), "");
  Result<store::ImageRecord> stored = [&]() -> Result<store::ImageRecord> {
    CRIA_ASSIGN_OR_RETURN(transport::LocalImage image, transport::OpenLocalImage(ref, tmp),
                          "pull " + content.source);
    content.manifest = image.manifest;
    content.manifest_body = image.manifest_body;
    content.manifest_digest = image.manifest_digest;
    content.config_body = image.config_body;
    content.config = image.config;
    content.repo_tags = image.names;
    // The files are used in place; cria-storage checks each layer's diffID as it unpacks.
    FetchFn fetch = [&](size_t i, const std::function<bool(uint64_t)>&) -> Result<FetchedBlob> {
      return FetchedBlob{image.layer_paths[i], false};
    };
    return Commit(content, fetch, flight);
  }();
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return stored;
}

Result<store::ImageRecord> Puller::PullRegistry(const reference::Reference& ref,
                                                const PullSpec& spec, PullFlight& flight) {
  Status mirror_errors = OkStatus();
  for (const Endpoint& endpoint : hosts_.EndpointsFor(ref.registry)) {
    std::optional<registry::Credentials> credentials;
    if (!endpoint.mirror && spec.credentials) {
      credentials = spec.credentials;
    } else {
      CRIA_ASSIGN_OR_RETURN(credentials, hosts_.CredentialsFor(endpoint.host), "");
    }
    std::unique_ptr<registry::RegistryClient> client = clients_.ClientFor(endpoint, credentials);
    Result<store::ImageRecord> pulled =
        PullFromEndpoint(*client, endpoint.Rewrite(ref), ref, flight);
    if (pulled.ok() || !endpoint.mirror) return pulled;
    log::Warn("mirror failed, trying the next source", {{"image", ref.String()},
                                                        {"mirror", endpoint.host},
                                                        {"error", MessageOf(pulled.status())}});
  }
  return Status(StatusCode::kInternal, "no endpoint for " + ref.registry);
}

Result<store::ImageRecord> Puller::PullFromEndpoint(registry::RegistryClient& client,
                                                    const reference::Reference& source,
                                                    const reference::Reference& name,
                                                    PullFlight& flight) {
  Content content;
  content.source = source.String();
  flight.Update([&](v1::PullProgress& p) { p.set_source(content.source); });
  registry::FetchedManifest top;
  CRIA_RETURN_IF_ERROR(Retry(content.source,
                             [&] {
                               Result<registry::FetchedManifest> m = client.GetManifest(source);
                               if (m.ok()) top = std::move(*m);
                               return m.status();
                             }),
                       "");
  const std::string what = "manifest " + top.digest + " of " + content.source;
  CRIA_ASSIGN_OR_RETURN(manifest::Parsed parsed,
                        manifest::ParseManifestOrIndex(top.body, top.content_type), what);
  registry::FetchedManifest chosen = top;
  if (auto* index = std::get_if<manifest::Index>(&parsed)) {
    CRIA_ASSIGN_OR_RETURN(manifest::Descriptor entry,
                          manifest::SelectPlatform(*index, manifest::HostPlatform()), what);
    CRIA_RETURN_IF_ERROR(Retry(content.source,
                               [&] {
                                 Result<registry::FetchedManifest> m =
                                     client.GetManifestByDigest(source, entry.digest);
                                 if (m.ok()) chosen = std::move(*m);
                                 return m.status();
                               }),
                         "");
    CRIA_ASSIGN_OR_RETURN(parsed, manifest::ParseManifestOrIndex(chosen.body, chosen.content_type),
                          "manifest " + chosen.digest + " of " + content.source);
    if (!std::holds_alternative<manifest::Manifest>(parsed)) {
      return Status(StatusCode::kInvalidArgument,
                    "manifest " + chosen.digest + " of " + content.source +
                        ": an index inside an index is not supported");
    }
  }
  content.manifest = std::get<manifest::Manifest>(parsed);
  content.manifest_body = chosen.body;
  content.manifest_digest = chosen.digest;
  CRIA_RETURN_IF_ERROR(Retry(content.source,
                             [&] {
                               Result<std::string> c =
                                   client.FetchSmallBlob(source, content.manifest.config.digest);
                               if (c.ok()) content.config_body = std::move(*c);
                               return c.status();
                             }),
                       "");
  const std::string config_what =
      "config " + content.manifest.config.digest + " of " + content.source;
  CRIA_ASSIGN_OR_RETURN(content.config, manifest::ParseConfig(content.config_body), config_what);
  CRIA_RETURN_IF_ERROR(manifest::CheckLayersMatch(content.manifest, content.config), config_what);
  if (!name.tag.empty()) content.repo_tags.push_back(name.NameOnly() + ":" + name.tag);
  content.repo_digests.push_back(name.NameOnly() + "@" + top.digest);

  CRIA_ASSIGN_OR_RETURN(std::string tmp, images_.MakeTempDir("pull"), "");
  FetchFn fetch = [&](size_t i,
                      const std::function<bool(uint64_t)>& on_bytes) -> Result<FetchedBlob> {
    const manifest::Descriptor& layer = content.manifest.layers[i];
    std::string path = tmp + "/" + Hex(layer.digest);
    Status s = Retry(content.source + " layer " + layer.digest, [&] {
      return client.FetchBlobToFile(source, layer.digest, path, 0, on_bytes);
    });
    if (!s.ok()) return s;
    return FetchedBlob{path, true};
  };
  Result<store::ImageRecord> stored = Commit(content, fetch, flight);
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return stored;
}

Result<store::ImageRecord> Puller::Commit(const Content& content, const FetchFn& fetch,
                                          PullFlight& flight) {
  const std::string id = content.manifest.config.digest;
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> chains, ChainIds(content.config.diff_ids),
                        "image " + id);
  store::ImageRecord record;
  record.id = id;
  record.repo_tags = content.repo_tags;
  record.repo_digests = content.repo_digests;
  record.manifest_digest = content.manifest_digest;
  record.chain_ids = chains;
  record.created_unix_nano = UnixNanosNow();
  record.source = content.source;
  const std::string image_holder = "image:" + id;

  flight.Update([&](v1::PullProgress& p) {
    p.clear_layers();
    for (const manifest::Descriptor& layer : content.manifest.layers) {
      v1::LayerProgress* l = p.add_layers();
      l->set_digest(layer.digest);
      l->set_size(layer.size);
    }
  });

  // Already here (another name, or a re-pull): only the names are new.
  if (std::optional<store::ImageRecord> existing = images_.Get(id)) {
    Result<bool> pinned =
        chains.empty() ? Result<bool>(true) : storage_.PinIfPresent(chains.back(), image_holder);
    if (pinned.ok() && *pinned) {
      flight.Update([&](v1::PullProgress& p) {
        for (auto& l : *p.mutable_layers()) l.set_state(v1::LayerProgress::PRESENT);
      });
      record.size = existing->size;
      record.created_unix_nano = existing->created_unix_nano;
      CRIA_RETURN_IF_ERROR(images_.Put(record, content.config_body, content.manifest_body),
                           "store image " + id);
      return *images_.Get(id);
    }
  }

  std::vector<LayerJob> jobs;
  for (size_t i = 0; i < chains.size(); ++i) {
    jobs.push_back({content.manifest.layers[i], content.config.diff_ids[i], chains[i]});
  }
  const std::string pull_holder = "pull:" + std::to_string(getpid()) + "-" +
                                  std::to_string(++sequence_) + ":" + Hex(id).substr(0, 12);
  Result<LayersOutcome> layers = PullLayers(jobs, storage_, pull_holder,
                                            config_.max_concurrent_downloads, fetch, flight, stop_);
  Status status = layers.status();
  bool pinned_image = false;
  if (status.ok() && !chains.empty()) {
    Result<bool> pinned = storage_.PinIfPresent(chains.back(), image_holder);
    status =
        pinned.ok()
            ? (*pinned ? OkStatus()
                       : Status(StatusCode::kInternal, "top layer " + chains.back() + " vanished"))
            : pinned.status();
    pinned_image = status.ok();
  }
  if (status.ok()) {
    record.size = layers->size;
    status = images_.Put(record, content.config_body, content.manifest_body);
  }
  // Undo: the pull's own pins always go; on failure the image pin and the layers no one
  // else needs go too, so a failed pull leaves storage as it found it.
  (void)storage_.UnpinHolder(pull_holder);
  if (!status.ok()) {
    if (pinned_image && !images_.Get(id)) (void)storage_.Unpin(chains.back(), image_holder);
    Result<storage::v1::GarbageCollectResponse> gc = storage_.CollectGarbage();
    if (!gc.ok())
      log::Warn("garbage collection after a failed pull", {{"error", MessageOf(gc.status())}});
    return Status(status.code(), "pull " + content.source + ": " + std::string(status.message()));
  }
  log::Info("image pulled", {{"image", content.source}, {"id", id}});
  return *images_.Get(id);
}

}  // namespace cria::image::pull

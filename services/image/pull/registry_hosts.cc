#include "services/image/pull/registry_hosts.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "libs/records/json_object.h"
#include "libs/records/small_file.h"

namespace cria::image::pull {
namespace {

namespace fs = std::filesystem;

std::pair<std::string, std::string> SplitKeyValue(const std::string& item) {
  size_t eq = item.find('=');
  return {item.substr(0, eq), item.substr(eq + 1)};
}

// Host part without the port: "127.0.0.1:5000" → "127.0.0.1", "[::1]:5000" → "::1".
std::string HostOnly(const std::string& host) {
  if (!host.empty() && host[0] == '[') {
    size_t end = host.find(']');
    return host.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  }
  return host.substr(0, host.find(':'));
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Docker's certs.d: <dir>/<host>/*.crt are CAs; x.cert with x.key is a client certificate.
void LoadCerts(const std::string& dir, const std::string& host, registry::http::Tls& tls) {
  if (dir.empty()) return;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(dir) / host, ec)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    if (file.extension() == ".crt") {
      tls.extra_ca_pem += ReadAll(file) + "\n";
    } else if (file.extension() == ".cert" && tls.client_cert_file.empty()) {
      fs::path key = file;
      key.replace_extension(".key");
      if (fs::exists(key, ec)) {
        tls.client_cert_file = file;
        tls.client_key_file = key;
      }
    }
  }
}

// Docker config.json keys may be URLs ("https://index.docker.io/v1/") or hosts.
std::string AuthKeyHost(std::string key) {
  for (const char* scheme : {"https://", "http://"}) {
    if (key.rfind(scheme, 0) == 0) key = key.substr(std::string(scheme).size());
  }
  key = key.substr(0, key.find('/'));
  if (key == "index.docker.io" || key == "registry-1.docker.io") return "docker.io";
  return key;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  std::string h = HostOnly(host);
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

reference::Reference Endpoint::Rewrite(const reference::Reference& ref) const {
  reference::Reference out = ref;
  out.registry = host;
  if (!path_prefix.empty()) out.repository = path_prefix + "/" + ref.repository;
  return out;
}

RegistryHosts::RegistryHosts(const config::ImageSection& config)
    : search_(config.unqualified_search_registries),
      insecure_(config.insecure_registries.begin(), config.insecure_registries.end()),
      certs_dir_(config.certs_dir),
      auth_file_(config.auth_file) {
  for (const std::string& item : config.short_name_aliases) aliases_.insert(SplitKeyValue(item));
  for (const std::string& item : config.registry_mirrors) {
    auto [registry, mirror] = SplitKeyValue(item);
    mirrors_[registry].push_back(mirror);
  }
}

Endpoint RegistryHosts::MakeEndpoint(const std::string& location, bool mirror) const {
  Endpoint e;
  size_t slash = location.find('/');
  e.host = location.substr(0, slash);
  if (slash != std::string::npos) e.path_prefix = location.substr(slash + 1);
  while (!e.path_prefix.empty() && e.path_prefix.back() == '/') e.path_prefix.pop_back();
  e.mirror = mirror;
  bool insecure = insecure_.count(e.host) > 0 || insecure_.count(HostOnly(e.host)) > 0;
  e.allow_http = insecure || IsLoopbackHost(e.host);
  e.tls.verify = !insecure;
  LoadCerts(certs_dir_, e.host, e.tls);
  return e;
}

std::vector<Endpoint> RegistryHosts::EndpointsFor(const std::string& registry) const {
  std::vector<Endpoint> out;
  auto it = mirrors_.find(registry);
  if (it != mirrors_.end()) {
    for (const std::string& m : it->second) out.push_back(MakeEndpoint(m, true));
  }
  out.push_back(MakeEndpoint(registry, false));
  return out;
}

Result<std::optional<registry::Credentials>> RegistryHosts::CredentialsFor(
    const std::string& registry) const {
  if (auth_file_.empty()) return std::optional<registry::Credentials>();
  std::error_code ec;
  if (!fs::exists(auth_file_, ec)) return std::optional<registry::Credentials>();
  const std::string what = "registry auth file " + auth_file_;
  CRIA_ASSIGN_OR_RETURN(std::string text, records::ReadSmallFile(auth_file_, 1 << 20), what);
  Result<rapidjson::Document> doc = records::ParseJsonObject(text);
  if (!doc.ok()) return Status(StatusCode::kInvalidArgument, what + ": not a JSON object");
  auto auths = doc->FindMember("auths");
  if (auths == doc->MemberEnd()) return std::optional<registry::Credentials>();
  if (!auths->value.IsObject()) {
    return Status(StatusCode::kInvalidArgument, what + ": \"auths\" is not an object");
  }
  for (const auto& entry : auths->value.GetObject()) {
    if (AuthKeyHost(entry.name.GetString()) != registry || !entry.value.IsObject()) continue;
    const auto& v = entry.value;
    registry::Credentials creds;
    auto auth = v.FindMember("auth");
    if (auth != v.MemberEnd() && auth->value.IsString() && auth->value.GetStringLength() > 0) {
      CRIA_ASSIGN_OR_RETURN(creds, registry::DecodeBasicAuth(auth->value.GetString()), what);
    }
    auto user = v.FindMember("username");
    auto pass = v.FindMember("password");
    if (user != v.MemberEnd() && user->value.IsString()) creds.username = user->value.GetString();
    if (pass != v.MemberEnd() && pass->value.IsString()) creds.password = pass->value.GetString();
    auto identity = v.FindMember("identitytoken");
    if (identity != v.MemberEnd() && identity->value.IsString()) {
      creds.identity_token = identity->value.GetString();
    }
    return std::optional<registry::Credentials>(creds);
  }
  return std::optional<registry::Credentials>();
}

}  // namespace cria::image::pull

#include "services/image/registry/auth.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <cctype>
#include <vector>

#include "rapidjson/document.h"

namespace cria::image::registry {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string UrlEscape(const std::string& s) {
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

Result<Challenge> ParseChallenge(std::string_view header) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  skip_space();
  size_t start = i;
  while (i < header.size() && header[i] != ' ' && header[i] != '\t') ++i;
  Challenge challenge;
  challenge.scheme = Lower(std::string(header.substr(start, i - start)));
  if (challenge.scheme.empty()) {
    return absl::InvalidArgumentError("empty WWW-Authenticate challenge");
  }
  while (i < header.size()) {
    skip_space();
    size_t key_start = i;
    while (i < header.size() && header[i] != '=' && header[i] != ',') ++i;
    std::string key = Lower(std::string(header.substr(key_start, i - key_start)));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    if (i >= header.size() || header[i] == ',') {
      ++i;
      continue;
    }
    ++i;  // '='
    skip_space();
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        char c = header[i++];
        if (c == '\\' && i < header.size()) {
          value.push_back(header[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) {
        return absl::InvalidArgumentError("unterminated quoted value in WWW-Authenticate " +
                                          std::string(header));
      }
    } else {
      size_t v = i;
      while (i < header.size() && header[i] != ',') ++i;
      value = std::string(header.substr(v, i - v));
      while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    skip_space();
    if (i < header.size() && header[i] == ',') ++i;
    if (key == "realm") challenge.realm = value;
    if (key == "service") challenge.service = value;
    if (key == "scope") challenge.scope = value;
  }
  return challenge;
}

std::string BasicAuthHeader(const Credentials& credentials) {
  std::string plain = credentials.username + ":" + credentials.password;
  std::vector<unsigned char> out(4 * ((plain.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size()));
  return "Authorization: Basic " + std::string(reinterpret_cast<char*>(out.data()), n);
}

Result<Credentials> DecodeBasicAuth(std::string_view base64) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : base64) {
    if (c == '=') break;
    size_t pos = kAlphabet.find(c);
    if (pos == std::string::npos) {
      return Status(StatusCode::kInvalidArgument, "registry auth: \"auth\" is not base64");
    }
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  size_t colon = out.find(':');
  if (colon == std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "registry auth: \"auth\" does not decode to username:password");
  }
  return Credentials{out.substr(0, colon), out.substr(colon + 1), "", ""};
}

Result<std::string> FetchBearerToken(const Challenge& challenge, const std::string& scope,
                                     const std::optional<Credentials>& credentials,
                                     const http::Options& options, const std::string& what) {
  if (challenge.realm.empty()) {
    return absl::UnauthenticatedError(what + ": bearer challenge without a realm");
  }
  if (challenge.realm.rfind("https://", 0) != 0 && challenge.realm.rfind("http://", 0) != 0) {
    return absl::UnauthenticatedError(what + ": bearer realm " + challenge.realm +
                                      " is not an http(s) URL");
  }
  std::string url = challenge.realm;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (!challenge.service.empty()) {
    url += sep + std::string("service=") + UrlEscape(challenge.service);
    sep = '&';
  }
  const std::string& use_scope = scope.empty() ? challenge.scope : scope;
  if (!use_scope.empty()) url += sep + std::string("scope=") + UrlEscape(use_scope);

  http::Request request;
  request.url = url;
  request.max_body_bytes = 1 << 20;
  if (credentials && !credentials->identity_token.empty()) {
    request.url = challenge.realm;
    request.method = "POST";
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body =
        "grant_type=refresh_token&client_id=cria&service=" + UrlEscape(challenge.service) +
        "&scope=" + UrlEscape(use_scope) +
        "&refresh_token=" + UrlEscape(credentials->identity_token);
  } else if (credentials && !credentials->username.empty()) {
    request.headers.push_back(BasicAuthHeader(*credentials));
  }
  std::string token_what = what + ": token from " + challenge.realm;
  CRIA_ASSIGN_OR_RETURN(http::Response response, http::Perform(request, options, token_what), "");
  if (response.status == 401) {
    return absl::UnauthenticatedError(token_what + ": HTTP 401, credentials rejected");
  }
  if (response.status == 403) return absl::PermissionDeniedError(token_what + ": HTTP 403");
  if (response.status != 200) {
    return absl::UnavailableError(token_what + ": HTTP " + std::to_string(response.status));
  }
  rapidjson::Document doc;
  doc.Parse(response.body.data(), response.body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::UnavailableError(token_what + ": response is not a JSON object");
  }
  for (const char* key : {"token", "access_token"}) {
    auto it = doc.FindMember(key);
    if (it != doc.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0) {
      return std::string(it->value.GetString(), it->value.GetStringLength());
    }
  }
  return absl::UnavailableError(token_what + ": response has no token");
}

}  // namespace cria::image::registry

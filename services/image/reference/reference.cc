#include "services/image/reference/reference.h"

#include <cstddef>
#include <optional>
#include <utility>

namespace cria::image::reference {
namespace {

constexpr std::string_view kLegacyDockerHub = "index.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";
constexpr std::string_view kLocalhost = "localhost";
constexpr size_t kMaxRepositoryLength = 255;
constexpr size_t kMaxTagLength = 128;
constexpr size_t kMinDigestHex = 32;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsLowerAlnum(char c) { return IsLower(c) || IsDigit(c); }
bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsLowerHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (IsUpper(c)) return true;
  }
  return false;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

Status Invalid(std::string_view text, std::string_view reason) {
  return absl::InvalidArgumentError("invalid image reference " + Quote(text) + ": " +
                                    std::string(reason));
}

// path-component := [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)*
bool IsPathComponent(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto alnum_run = [&] {
    size_t start = i;
    while (i < n && IsLowerAlnum(s[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < n) {
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < n && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < n && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool IsDomainComponent(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

// Checks domain := host [":" port]; returns the reason when it is not one.
std::optional<std::string> RegistryProblem(std::string_view registry) {
  std::string_view host = registry;
  std::optional<std::string_view> port;
  if (!registry.empty() && registry.front() == '[') {
    size_t close = registry.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    std::string_view address = registry.substr(1, close - 1);
    if (address.empty()) return "empty IPv6 address";
    for (char c : address) {
      if (!IsHexDigit(c) && c != ':') {
        return "IPv6 address may only hold hex digits and ':' (no zone or embedded IPv4)";
      }
    }
    host = registry.substr(0, close + 1);
    std::string_view rest = registry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return "unexpected characters after the IPv6 address";
      port = rest.substr(1);
    }
  } else {
    size_t colon = registry.find(':');
    if (colon != std::string_view::npos) {
      host = registry.substr(0, colon);
      port = registry.substr(colon + 1);
    }
    if (host.empty()) return "empty host";
    size_t start = 0;
    while (true) {
      size_t dot = host.find('.', start);
      std::string_view component =
          host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (!IsDomainComponent(component)) {
        return "invalid host name component " + Quote(component);
      }
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  if (port.has_value()) {
    bool digits = !port->empty();
    for (char c : *port) digits = digits && IsDigit(c);
    if (!digits) return "bad port " + Quote(*port) + " (must be decimal digits)";
  }
  return std::nullopt;
}

// tag := [\w][\w.-]{0,127}
std::optional<std::string> TagProblem(std::string_view tag) {
  if (tag.empty()) return "empty tag";
  if (tag.size() > kMaxTagLength) {
    return "tag is " + std::to_string(tag.size()) + " characters, more than " +
           std::to_string(kMaxTagLength);
  }
  if (!IsWordChar(tag.front())) {
    return "tag " + Quote(tag) + " must start with a letter, digit or '_'";
  }
  for (char c : tag) {
    if (!IsWordChar(c) && c != '.' && c != '-') {
      return "tag " + Quote(tag) + " may only hold letters, digits, '_', '.' and '-'";
    }
  }
  return std::nullopt;
}

// digest := algorithm ":" hex, as distribution/reference's regexp and then go-digest's
// Parse check it.
std::optional<std::string> DigestProblem(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos) {
    return "digest " + Quote(digest) + " is not algorithm:hex";
  }
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view encoded = digest.substr(colon + 1);
  // algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.] [A-Za-z][A-Za-z0-9]*)*
  bool algorithm_ok = !algorithm.empty();
  bool at_component_start = true;
  for (char c : algorithm) {
    if (at_component_start) {
      algorithm_ok = algorithm_ok && IsAlpha(c);
      at_component_start = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      at_component_start = true;
    } else {
      algorithm_ok = algorithm_ok && IsAlnum(c);
    }
  }
  algorithm_ok = algorithm_ok && !at_component_start;
  if (!algorithm_ok) return "invalid digest algorithm " + Quote(algorithm);
  bool hex_ok = encoded.size() >= kMinDigestHex;
  for (char c : encoded) hex_ok = hex_ok && IsHexDigit(c);
  if (!hex_ok) {
    return "digest " + Quote(digest) + " must have at least " + std::to_string(kMinDigestHex) +
           " hex digits after the algorithm";
  }
  size_t want = 0;
  if (algorithm == "sha256") {
    want = 64;
  } else if (algorithm == "sha384") {
    want = 96;
  } else if (algorithm == "sha512") {
    want = 128;
  } else {
    return "unsupported digest algorithm " + Quote(algorithm);
  }
  if (encoded.size() != want) {
    return "invalid digest length: " + std::string(algorithm) + " needs " + std::to_string(want) +
           " hex digits, got " + std::to_string(encoded.size());
  }
  for (char c : encoded) {
    if (!IsLowerHexDigit(c)) return "digest hex digits must be lowercase";
  }
  return std::nullopt;
}

// distribution/reference's splitDockerDomain: the registry the text names, if any, and
// the rest of the text after it.
struct Split {
  std::optional<std::string_view> registry;
  std::string_view rest;
};

Split SplitRegistry(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return {std::nullopt, text};
  std::string_view first = text.substr(0, slash);
  if (first == kLocalhost || first.find_first_of(".:") != std::string_view::npos ||
      HasUpper(first)) {
    return {first, text.substr(slash + 1)};
  }
  return {std::nullopt, text};
}

// The short name without tag or digest, and the ":tag@digest" suffix as written.
std::pair<std::string_view, std::string_view> SplitSuffix(std::string_view text) {
  size_t at = text.find_first_of(":@");
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at)};
}

}  // namespace

std::string Reference::NameOnly() const { return registry + "/" + repository; }

std::string Reference::String() const {
  std::string out = NameOnly();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::Familiar() const {
  if (registry != kDockerHub) return String();
  std::string out = repository;
  if (out.starts_with(kOfficialPrefix) &&
      out.find('/', kOfficialPrefix.size()) == std::string::npos) {
    out.erase(0, kOfficialPrefix.size());
  }
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Result<Reference> ParseNormalized(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty name");
  if (text.size() == 64) {
    bool all_hex = true;
    for (char c : text) all_hex = all_hex && IsLowerHexDigit(c);
    if (all_hex) {
      return Invalid(text, "a 64-character hexadecimal string is an image ID, not a name");
    }
  }

  Reference ref;
  Split split = SplitRegistry(text);
  if (split.registry.has_value()) {
    ref.registry = *split.registry == kLegacyDockerHub ? std::string(kDockerHub)
                                                       : std::string(*split.registry);
    if (auto problem = RegistryProblem(ref.registry)) {
      return Invalid(text, "registry " + Quote(ref.registry) + ": " + *problem);
    }
  } else {
    ref.registry = kDockerHub;
  }

  std::string_view rest = split.rest;
  std::optional<std::string_view> digest;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  std::optional<std::string_view> tag;
  if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }

  if (rest.empty()) return Invalid(text, "missing repository name");
  if (HasUpper(rest)) {
    return Invalid(text, "repository name " + Quote(rest) + " must be lowercase");
  }
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    std::string_view component = rest.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (component.empty()) return Invalid(text, "empty repository path component");
    if (!IsPathComponent(component)) {
      return Invalid(text, "invalid characters in repository path component " + Quote(component) +
                               " (lowercase letters and digits, separated by '.', '_', '__' "
                               "or dashes)");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  ref.repository = std::string(rest);
  if (ref.registry == kDockerHub && rest.find('/') == std::string_view::npos) {
    ref.repository.insert(0, kOfficialPrefix);
  }
  if (ref.repository.size() > kMaxRepositoryLength) {
    return Invalid(text, "repository name is " + std::to_string(ref.repository.size()) +
                             " characters, more than " + std::to_string(kMaxRepositoryLength));
  }

  if (tag.has_value()) {
    if (auto problem = TagProblem(*tag)) return Invalid(text, *problem);
    ref.tag = std::string(*tag);
  }
  if (digest.has_value()) {
    if (auto problem = DigestProblem(*digest)) return Invalid(text, *problem);
    ref.digest = std::string(*digest);
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = kDefaultTag;
  return ref;
}

bool IsShortName(std::string_view text) { return !SplitRegistry(text).registry.has_value(); }

Result<std::vector<Reference>> ResolveShortName(std::string_view text,
                                                const std::vector<std::string>& search_registries,
                                                const std::map<std::string, std::string>& aliases) {
  CRIA_ASSIGN_OR_RETURN(Reference parsed, ParseNormalized(text), "resolve image name");
  if (!IsShortName(text)) return std::vector<Reference>{std::move(parsed)};

  auto [name, suffix] = SplitSuffix(text);
  if (auto alias = aliases.find(std::string(name)); alias != aliases.end()) {
    const std::string& value = alias->second;
    std::string context = "short-name alias " + Quote(name) + " = " + Quote(value);
    if (IsShortName(value)) {
      return absl::InvalidArgumentError(context + ": the alias is not a fully qualified name");
    }
    if (SplitSuffix(SplitRegistry(value).rest).second.size() != 0) {
      return absl::InvalidArgumentError(context + ": the alias must not have a tag or digest");
    }
    CRIA_ASSIGN_OR_RETURN(Reference resolved, ParseNormalized(value + std::string(suffix)),
                          context);
    return std::vector<Reference>{std::move(resolved)};
  }

  if (search_registries.empty()) {
    return absl::FailedPreconditionError(
        "short name " + Quote(text) +
        " has no alias and no unqualified-search registries are configured; use a fully "
        "qualified name such as docker.io/" +
        std::string(text));
  }
  std::vector<Reference> candidates;
  candidates.reserve(search_registries.size());
  for (const std::string& registry : search_registries) {
    std::string context = "unqualified-search registry " + Quote(registry);
    std::string qualified = registry + "/" + std::string(text);
    if (registry.empty() || registry.find('/') != std::string::npos || IsShortName(qualified)) {
      return absl::InvalidArgumentError(
          context + ": not a registry host (needs a '.', a ':port' or to be localhost)");
    }
    CRIA_ASSIGN_OR_RETURN(Reference candidate, ParseNormalized(qualified), context);
    candidates.push_back(std::move(candidate));
  }
  return candidates;
}

}  // namespace cria::image::reference

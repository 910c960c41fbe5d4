// Parsing of oci:, oci-archive: and docker-archive: image names.
#include "services/image/transport/transport_ref.h"

#include <array>
#include <charconv>
#include <filesystem>
#include <utility>

#include "services/image/reference/reference.h"

namespace cria::image::transport {
namespace {

constexpr std::array<std::pair<std::string_view, TransportKind>, 3> kPrefixes = {{
    {"oci:", TransportKind::kOciLayout},
    {"oci-archive:", TransportKind::kOciArchive},
    {"docker-archive:", TransportKind::kDockerArchive},
}};

Status Invalid(std::string_view image, const std::string& why) {
  return absl::InvalidArgumentError("image \"" + std::string(image) + "\": " + why);
}

bool IsRefChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '@' || c == '+' || c == '/' || c == '-';
}

Status CheckDockerArchiveRef(std::string_view image, TransportRef& out) {
  if (out.ref[0] == '@') {
    int n = -1;
    const char* begin = out.ref.data() + 1;
    const char* end = out.ref.data() + out.ref.size();
    auto [ptr, ec] = std::from_chars(begin, end, n);
    if (begin == end || ec != std::errc() || ptr != end || n < 0) {
      return Invalid(image, "\"" + out.ref + "\" is not @N with N an image index");
    }
    out.index = n;
    out.ref.clear();
    return OkStatus();
  }
  auto named = reference::ParseNormalized(out.ref);
  if (!named.ok()) return Invalid(image, MessageOf(named.status()));
  if (!named->digest.empty()) {
    return Invalid(image, "a docker-archive name cannot include a digest");
  }
  return OkStatus();
}

}  // namespace

std::string_view TransportName(TransportKind kind) {
  switch (kind) {
    case TransportKind::kOciLayout:
      return "oci";
    case TransportKind::kOciArchive:
      return "oci-archive";
    case TransportKind::kDockerArchive:
      return "docker-archive";
  }
  return "";
}

std::string TransportRef::String() const {
  std::string out = std::string(TransportName(kind)) + ":" + path;
  if (index) return out + ":@" + std::to_string(*index);
  if (!ref.empty()) out += ":" + ref;
  return out;
}

Result<std::optional<TransportRef>> ParseTransport(std::string_view image) {
  for (const auto& [prefix, kind] : kPrefixes) {
    if (image.substr(0, prefix.size()) != prefix) continue;
    TransportRef out;
    out.kind = kind;
    std::string_view rest = image.substr(prefix.size());
    const size_t colon = rest.find(':');
    std::string_view path = rest.substr(0, colon);
    if (colon != std::string_view::npos) out.ref = std::string(rest.substr(colon + 1));
    if (path.empty()) return Invalid(image, "the path is empty");
    if (path[0] != '/') {
      return Invalid(image, "the path \"" + std::string(path) + "\" is not absolute");
    }
    out.path = std::filesystem::path(path).lexically_normal().string();
    if (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
    for (char c : out.ref) {
      if (!IsRefChar(c)) return Invalid(image, "the reference \"" + out.ref + "\" is not valid");
    }
    if (kind == TransportKind::kDockerArchive && !out.ref.empty()) {
      CRIA_RETURN_IF_ERROR(CheckDockerArchiveRef(image, out), "");
    }
    return std::optional<TransportRef>(std::move(out));
  }
  return std::optional<TransportRef>();
}

}  // namespace cria::image::transport

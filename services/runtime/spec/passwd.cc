#include "services/runtime/spec/passwd.h"

#include <limits>

namespace cria::runtime::spec {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(sep);
    if (at == std::string_view::npos) {
      out.push_back(s);
      return out;
    }
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
}

// The entry lines of `text`: trimmed, without blanks and comments.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::string_view line : Split(text, '\n')) {
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::optional<uint32_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value >= std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(value);
}

Result<uint32_t> IdFromCri(int64_t value, const char* field) {
  if (value < 0 || value >= int64_t{std::numeric_limits<uint32_t>::max()}) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(field) + " " + std::to_string(value) + " is not a valid id");
  }
  return static_cast<uint32_t>(value);
}

std::vector<PasswdEntry> ParsePasswd(std::string_view text) {
  std::vector<PasswdEntry> out;
  for (std::string_view line : Lines(text)) {
    // name:password:uid:gid:gecos:home:shell
    std::vector<std::string_view> f = Split(line, ':');
    if (f.size() < 4 || f[0].empty()) continue;
    std::optional<uint32_t> uid = ParseId(f[2]);
    std::optional<uint32_t> gid = ParseId(f[3]);
    if (!uid || !gid) continue;
    out.push_back(PasswdEntry{std::string(f[0]), *uid, *gid});
  }
  return out;
}

std::vector<GroupEntry> ParseGroup(std::string_view text) {
  std::vector<GroupEntry> out;
  for (std::string_view line : Lines(text)) {
    // name:password:gid:member,member
    std::vector<std::string_view> f = Split(line, ':');
    if (f.size() < 3 || f[0].empty()) continue;
    std::optional<uint32_t> gid = ParseId(f[2]);
    if (!gid) continue;
    GroupEntry entry{std::string(f[0]), *gid, {}};
    if (f.size() > 3) {
      for (std::string_view member : Split(f[3], ',')) {
        member = Trim(member);
        if (!member.empty()) entry.members.emplace_back(member);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/propagation.h"

#include <string>
#include <vector>

namespace cria::runtime::spec {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string_view oct = s.substr(i + 1, 3);
      if (oct[0] >= '0' && oct[0] <= '3' && oct[1] >= '0' && oct[1] <= '7' && oct[2] >= '0' &&
          oct[2] <= '7') {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool Holds(const std::string& mount_point, const std::string& path) {
  if (mount_point == "/") return true;
  return path == mount_point ||
         (path.size() > mount_point.size() &&
          path.compare(0, mount_point.size(), mount_point) == 0 && path[mount_point.size()] == '/');
}

}  // namespace

Status CheckPropagation(const PropagationCheck& check, std::string_view mountinfo) {
  const std::string path = CleanPath(check.host_path);
  std::string best_point;
  bool shared = false;
  bool slave = false;
  bool found = false;
  size_t start = 0;
  while (start < mountinfo.size()) {
    size_t end = mountinfo.find('\n', start);
    if (end == std::string_view::npos) end = mountinfo.size();
    std::vector<std::string_view> f = Fields(mountinfo.substr(start, end - start));
    start = end + 1;
    // id parent major:minor root mount_point options [optional...] - fstype source super
    if (f.size() < 7) continue;
    const std::string point = Unescape(f[4]);
    if (!Holds(point, path)) continue;
    // Longer mount points win; among equal ones the later (stacked on top) wins.
    if (found && point.size() < best_point.size()) continue;
    found = true;
    best_point = point;
    shared = false;
    slave = false;
    for (size_t i = 6; i < f.size() && f[i] != "-"; ++i) {
      if (f[i].rfind("shared:", 0) == 0) shared = true;
      if (f[i].rfind("master:", 0) == 0) slave = true;
    }
  }
  if (!found) {
    return Status(StatusCode::kNotFound, "no mount holds " + path);
  }
  if (check.need_shared && !shared) {
    return Status(StatusCode::kFailedPrecondition, "bidirectional mount propagation: " + path +
                                                       " is on mount " + best_point +
                                                       ", which is not a shared mount");
  }
  if (!check.need_shared && !shared && !slave) {
    return Status(StatusCode::kFailedPrecondition,
                  "host-to-container mount propagation: " + path + " is on mount " + best_point +
                      ", which is neither a shared nor a slave mount");
  }
  return OkStatus();
}

}  // namespace cria::runtime::spec

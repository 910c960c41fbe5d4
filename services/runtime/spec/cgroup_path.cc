#include "services/runtime/spec/cgroup_path.h"

namespace cria::runtime::spec {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// runc's ExpandSlice: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "/".
Result<std::string> ExpandSlice(const std::string& slice) {
  const std::string suffix = ".slice";
  auto refused = [&] {
    return Status(StatusCode::kInvalidArgument, "\"" + slice + "\" is not a systemd slice name");
  };
  if (slice.size() <= suffix.size() || !EndsWith(slice, suffix) ||
      slice.find('/') != std::string::npos) {
    return refused();
  }
  const std::string name = slice.substr(0, slice.size() - suffix.size());
  if (name == "-") return std::string("/");
  std::string path, prefix;
  size_t start = 0;
  for (;;) {
    const size_t dash = name.find('-', start);
    const std::string component = name.substr(start, dash - start);
    if (component.empty()) return refused();  // "-a.slice", "a--b.slice", "a-.slice"
    path += "/" + prefix + component + suffix;
    if (dash == std::string::npos) break;
    prefix += component + "-";
    start = dash + 1;
  }
  return path;
}

}  // namespace

Result<std::string> CgroupDirOf(const std::string& cgroups_path) {
  const size_t first = cgroups_path.find(':');
  if (first == std::string::npos) return cgroups_path;
  const size_t second = cgroups_path.find(':', first + 1);
  if (second == std::string::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "cgroupsPath \"" + cgroups_path + "\" is not <slice>:<prefix>:<name>");
  }
  CRIA_ASSIGN_OR_RETURN(std::string slice, ExpandSlice(cgroups_path.substr(0, first)),
                        "cgroupsPath " + cgroups_path);
  const std::string scope = cgroups_path.substr(first + 1, second - first - 1) + "-" +
                            cgroups_path.substr(second + 1) + ".scope";
  return (slice == "/" ? "" : slice) + "/" + scope;
}

Result<std::string> CgroupsPath(const std::string& parent, cgroups::Driver driver,
                                const std::string& id) {
  if (id.empty() || id.find_first_of("/:") != std::string::npos) {
    return Status(StatusCode::kInvalidArgument, "invalid id \"" + id + "\" for a cgroup name");
  }
  if (driver == cgroups::Driver::kSystemd) {
    const std::string slice = parent.empty() ? "system.slice" : parent;
    if (!EndsWith(slice, ".slice") || slice.find_first_of("/:") != std::string::npos) {
      return Status(StatusCode::kInvalidArgument,
                    "cgroup parent \"" + parent +
                        "\" is not a systemd slice name (the cgroup driver is systemd)");
    }
    return slice + ":cria:" + id;
  }
  std::string base = parent.empty() ? "/cria" : parent;
  if (base.front() != '/' || EndsWith(base, ".slice")) {
    return Status(StatusCode::kInvalidArgument,
                  "cgroup parent \"" + parent +
                      "\" is not an absolute cgroupfs path (the cgroup driver is cgroupfs)");
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return (base == "/" ? "" : base) + "/cria-" + id;
}

}  // namespace cria::runtime::spec

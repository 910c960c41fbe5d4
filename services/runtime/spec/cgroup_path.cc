#include "services/runtime/spec/cgroup_path.h"

namespace cria::runtime::spec {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

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

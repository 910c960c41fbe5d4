#include "services/runtime/spec/lsm.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

Result<std::string> Localhost(const std::string& name, const HostFacts& host) {
  if (name.empty()) {
    return Status(StatusCode::kInvalidArgument, "AppArmor Localhost profile without a name");
  }
  if (!host.apparmor_enabled) {
    return Status(StatusCode::kFailedPrecondition,
                  "AppArmor profile \"" + name +
                      "\" requested but AppArmor is not enabled on "
                      "this host");
  }
  return name;
}

std::string Default(bool privileged, const HostFacts& host) {
  if (privileged || !host.apparmor_enabled) return "";
  return host.apparmor_default_profile;
}

}  // namespace

Result<std::string> AppArmorProfile(bool has_apparmor, const cri::SecurityProfile& apparmor,
                                    const std::string& deprecated, bool privileged,
                                    const HostFacts& host) {
  if (has_apparmor) {
    switch (apparmor.profile_type()) {
      case cri::SecurityProfile::RuntimeDefault:
        return Default(privileged, host);
      case cri::SecurityProfile::Unconfined:
        return std::string();
      case cri::SecurityProfile::Localhost: {
        std::string name = apparmor.localhost_ref();
        if (name.rfind("localhost/", 0) == 0) name = name.substr(10);
        return Localhost(name, host);
      }
      default:
        return Status(StatusCode::kInvalidArgument,
                      "unknown AppArmor profile type " + std::to_string(apparmor.profile_type()));
    }
  }
  if (deprecated.empty() || deprecated == "runtime/default") return Default(privileged, host);
  if (deprecated == "unconfined") return std::string();
  if (deprecated.rfind("localhost/", 0) == 0) return Localhost(deprecated.substr(10), host);
  return Status(StatusCode::kInvalidArgument, "unknown AppArmor profile \"" + deprecated + "\"");
}

Result<SelinuxLabels> SelinuxLabelsFor(const cri::SELinuxOption& options, const HostFacts& host) {
  if (options.user().empty() && options.role().empty() && options.type().empty() &&
      options.level().empty()) {
    return SelinuxLabels{};
  }
  if (!host.selinux_enabled) {
    return Status(StatusCode::kFailedPrecondition,
                  "SELinux options requested but SELinux is not enabled on this host");
  }
  for (const std::string* part : {&options.user(), &options.role(), &options.type()}) {
    if (part->find(':') != std::string::npos) {
      return Status(StatusCode::kInvalidArgument, "SELinux option \"" + *part + "\" contains ':'");
    }
  }
  const std::string user = options.user().empty() ? "system_u" : options.user();
  const std::string role = options.role().empty() ? "system_r" : options.role();
  const std::string type = options.type().empty() ? "container_t" : options.type();
  const std::string level = options.level().empty() ? "" : ":" + options.level();
  return SelinuxLabels{user + ":" + role + ":" + type + level,
                       user + ":object_r:container_file_t" + level};
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/seccomp.h"

#include "libs/records/small_file.h"
#include "services/runtime/spec/capabilities.h"
#include "services/runtime/spec/seccomp_default.h"
#include "services/runtime/spec/seccomp_profile.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

Result<SeccompChoice> Localhost(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "seccomp Localhost profile \"" + path + "\" is not an absolute path");
  }
  return SeccompChoice{SeccompChoice::Kind::kLocalhost, path};
}

}  // namespace

Result<SeccompChoice> ChooseSeccomp(bool has_seccomp, const cri::SecurityProfile& seccomp,
                                    const std::string& deprecated_path) {
  if (has_seccomp) {
    switch (seccomp.profile_type()) {
      case cri::SecurityProfile::RuntimeDefault:
        return SeccompChoice{SeccompChoice::Kind::kRuntimeDefault, ""};
      case cri::SecurityProfile::Unconfined:
        return SeccompChoice{SeccompChoice::Kind::kUnconfined, ""};
      case cri::SecurityProfile::Localhost:
        return Localhost(seccomp.localhost_ref());
      default:
        return Status(StatusCode::kInvalidArgument,
                      "unknown seccomp profile type " + std::to_string(seccomp.profile_type()));
    }
  }
  const std::string& p = deprecated_path;
  if (p.empty() || p == "unconfined") return SeccompChoice{SeccompChoice::Kind::kUnconfined, ""};
  if (p == "runtime/default" || p == "docker/default") {
    return SeccompChoice{SeccompChoice::Kind::kRuntimeDefault, ""};
  }
  if (p.rfind("localhost/", 0) == 0) return Localhost(p.substr(std::string("localhost/").size()));
  return Status(StatusCode::kInvalidArgument, "unknown seccomp profile \"" + p + "\"");
}

Result<std::string> SeccompJson(const SeccompChoice& choice, bool privileged,
                                const Capabilities& capabilities, const HostFacts& host) {
  if (privileged || choice.kind == SeccompChoice::Kind::kUnconfined) return std::string();
  if (!host.seccomp_enabled) {
    return Status(StatusCode::kFailedPrecondition,
                  "a seccomp profile was requested but the kernel has no seccomp support");
  }
  SeccompTarget target;
  target.capabilities = capabilities.bounding;
  target.arch = NativeArch();
  target.kernel_major = host.kernel_major;
  target.kernel_minor = host.kernel_minor;
  if (choice.kind == SeccompChoice::Kind::kRuntimeDefault) {
    if (host.default_seccomp_profile.empty()) {
      return RenderSeccompProfile(BuiltinSeccompProfileJson(), target);
    }
    CRIA_ASSIGN_OR_RETURN(std::string json,
                          RenderSeccompProfile(host.default_seccomp_profile, target),
                          "runtime.seccomp_profile");
    return json;
  }
  CRIA_ASSIGN_OR_RETURN(std::string text,
                        records::ReadSmallFile(choice.path, kMaxSeccompProfileBytes),
                        "seccomp profile " + choice.path);
  CRIA_ASSIGN_OR_RETURN(std::string json, RenderSeccompProfile(text, target), choice.path);
  return json;
}

Result<std::string> LoadDefaultSeccompProfile(const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(std::string text, records::ReadSmallFile(path, kMaxSeccompProfileBytes),
                        "seccomp profile " + path);
  // Rendered once for the default capabilities, so that a broken file stops the start
  // rather than every container asking for RuntimeDefault.
  SeccompTarget target;
  target.capabilities = DefaultCapabilities();
  target.arch = NativeArch();
  CRIA_RETURN_IF_ERROR(RenderSeccompProfile(text, target).status(), "seccomp profile " + path);
  return text;
}

}  // namespace cria::runtime::spec

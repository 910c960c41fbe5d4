#include "services/runtime/spec/masked_paths.h"

namespace cria::runtime::spec {
namespace {

Result<std::vector<std::string>> Absolute(
    const google::protobuf::RepeatedPtrField<std::string>& paths, const char* what) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    if (p.empty() || p.front() != '/') {
      return Status(StatusCode::kInvalidArgument,
                    std::string(what) + " path \"" + p + "\" is not an absolute path");
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& DefaultMaskedPaths() {
  static const std::vector<std::string> kPaths = {
      "/proc/asound",     "/proc/acpi",        "/proc/interrupts",
      "/proc/kcore",      "/proc/keys",        "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap",
  };
  return kPaths;
}

const std::vector<std::string>& DefaultReadonlyPaths() {
  static const std::vector<std::string> kPaths = {
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
  };
  return kPaths;
}

Result<HiddenPaths> BuildHiddenPaths(const ::runtime::v1::LinuxContainerSecurityContext& security,
                                     bool privileged) {
  HiddenPaths out;
  if (privileged) return out;
  if (security.masked_paths().empty()) {
    out.masked = DefaultMaskedPaths();
  } else {
    CRIA_ASSIGN_OR_RETURN(out.masked, Absolute(security.masked_paths(), "masked"), "");
  }
  if (security.readonly_paths().empty()) {
    out.readonly = DefaultReadonlyPaths();
  } else {
    CRIA_ASSIGN_OR_RETURN(out.readonly, Absolute(security.readonly_paths(), "read-only"), "");
  }
  return out;
}

}  // namespace cria::runtime::spec

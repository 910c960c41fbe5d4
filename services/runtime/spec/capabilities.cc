#include "services/runtime/spec/capabilities.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

bool IsAll(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper == "ALL";
}

// Number of `name` in KnownCapabilities(), which is in number order.
size_t IndexOf(const std::string& name) {
  const auto& known = KnownCapabilities();
  return static_cast<size_t>(std::find(known.begin(), known.end(), name) - known.begin());
}

std::vector<std::string> InNumberOrder(const std::set<std::string>& caps) {
  std::vector<std::string> out(caps.begin(), caps.end());
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return IndexOf(a) < IndexOf(b); });
  return out;
}

Result<std::vector<std::string>> NormalizeAll(
    const google::protobuf::RepeatedPtrField<std::string>& names, bool skip_all) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (skip_all && IsAll(name)) continue;
    CRIA_ASSIGN_OR_RETURN(std::string cap, NormalizeCapability(name), "capabilities");
    out.push_back(std::move(cap));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& KnownCapabilities() {
  static const std::vector<std::string> kKnown = {
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER",
      "CAP_FSETID",
      "CAP_KILL",
      "CAP_SETGID",
      "CAP_SETUID",
      "CAP_SETPCAP",
      "CAP_LINUX_IMMUTABLE",
      "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",
      "CAP_NET_RAW",
      "CAP_IPC_LOCK",
      "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",
      "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT",
      "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",
      "CAP_SYS_TIME",
      "CAP_SYS_TTY_CONFIG",
      "CAP_MKNOD",
      "CAP_LEASE",
      "CAP_AUDIT_WRITE",
      "CAP_AUDIT_CONTROL",
      "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN",
      "CAP_SYSLOG",
      "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ",
      "CAP_PERFMON",
      "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE",
  };
  return kKnown;
}

std::vector<std::string> DefaultCapabilities() {
  return {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER", "CAP_SETGID",
          "CAP_SETUID", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_KILL"};
}

Result<std::string> NormalizeCapability(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("CAP_", 0) != 0) upper = "CAP_" + upper;
  const auto& known = KnownCapabilities();
  if (std::find(known.begin(), known.end(), upper) == known.end()) {
    return Status(StatusCode::kInvalidArgument, "unknown capability \"" + std::string(name) + "\"");
  }
  return upper;
}

std::vector<std::string> CapabilitiesFromMask(uint64_t mask) {
  std::vector<std::string> out;
  const auto& known = KnownCapabilities();
  for (size_t i = 0; i < known.size() && i < 64; ++i) {
    if (mask & (uint64_t{1} << i)) out.push_back(known[i]);
  }
  return out;
}

Result<Capabilities> BuildCapabilities(const cri::Capability& requested, bool privileged,
                                       const std::vector<std::string>& defaults,
                                       const std::vector<std::string>& host_caps) {
  const std::set<std::string> host(host_caps.begin(), host_caps.end());
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> add,
                        NormalizeAll(requested.add_capabilities(), /*skip_all=*/true), "add");
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> drop,
                        NormalizeAll(requested.drop_capabilities(), /*skip_all=*/true), "drop");
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> ambient,
                        NormalizeAll(requested.add_ambient_capabilities(), /*skip_all=*/false),
                        "add ambient");
  const auto has_all = [](const google::protobuf::RepeatedPtrField<std::string>& names) {
    return std::any_of(names.begin(), names.end(), IsAll);
  };

  std::set<std::string> caps;
  if (privileged) {
    caps = host;
  } else {
    for (const std::string& name : defaults) {
      if (host.count(name)) caps.insert(name);
    }
    if (has_all(requested.add_capabilities())) caps = host;
    if (has_all(requested.drop_capabilities())) caps.clear();
    for (const std::string& cap : add) {
      if (!host.count(cap)) {
        return Status(StatusCode::kFailedPrecondition,
                      "capability " + cap +
                          " was requested but the runtime does not hold it "
                          "on this host");
      }
      caps.insert(cap);
    }
    for (const std::string& cap : drop) caps.erase(cap);
  }

  std::set<std::string> ambient_set;
  for (const std::string& cap : ambient) {
    if (!host.count(cap)) {
      return Status(StatusCode::kFailedPrecondition,
                    "ambient capability " + cap +
                        " was requested but the runtime does not hold it on this host");
    }
    ambient_set.insert(cap);
    caps.insert(cap);
  }

  Capabilities out;
  out.bounding = InNumberOrder(caps);
  out.effective = out.bounding;
  out.permitted = out.bounding;
  out.inheritable = InNumberOrder(ambient_set);
  out.ambient = out.inheritable;
  return out;
}

}  // namespace cria::runtime::spec

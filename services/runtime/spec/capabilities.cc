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

std::vector<std::string> DefaultCapabilities() {
  return {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER", "CAP_SETGID",
          "CAP_SETUID", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_KILL"};
}

Result<std::vector<std::string>> NormalizeCapabilities(const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const std::string& name : names) {
    CRIA_ASSIGN_OR_RETURN(std::string cap, NormalizeCapability(name), "");
    out.insert(std::move(cap));
  }
  return InNumberOrder(out);
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

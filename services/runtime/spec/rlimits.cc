#include "services/runtime/spec/rlimits.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <set>

namespace cria::runtime::spec {
namespace {

struct Kind {
  const char* name;  // as CRI-O and Docker write it
  int resource;
};

constexpr Kind kKinds[] = {
    {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},         {"fsize", RLIMIT_FSIZE},
    {"locks", RLIMIT_LOCKS},       {"memlock", RLIMIT_MEMLOCK},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},     {"nproc", RLIMIT_NPROC},
    {"rss", RLIMIT_RSS},           {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();  // RLIM_INFINITY

// "RLIMIT_NOFILE" for "nofile".
std::string OciType(const std::string& name) {
  std::string type = "RLIMIT_";
  for (char c : name) type += static_cast<char>(c - 'a' + 'A');
  return type;
}

const Kind* KindOf(const std::string& name) {
  for (const Kind& kind : kKinds) {
    if (name == kind.name) return &kind;
  }
  return nullptr;
}

bool ParseLimit(const std::string& text, uint64_t* out) {
  if (text == "unlimited" || text == "-1") {
    *out = kUnlimited;
    return true;
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  *out = std::strtoull(text.c_str(), nullptr, 10);
  return errno == 0;
}

std::string Shown(uint64_t limit) {
  return limit == kUnlimited ? "unlimited" : std::to_string(limit);
}

}  // namespace

Result<std::vector<Rlimit>> ParseUlimits(const std::vector<std::string>& items) {
  std::vector<Rlimit> out;
  std::set<std::string> seen;
  for (const std::string& item : items) {
    auto bad = [&](const std::string& why) {
      return Status(StatusCode::kInvalidArgument, "ulimit \"" + item + "\": " + why);
    };
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return bad("not of the form name=soft:hard");
    const std::string name = item.substr(0, eq);
    if (KindOf(name) == nullptr) {
      std::string known;
      for (const Kind& kind : kKinds) known += std::string(known.empty() ? "" : ", ") + kind.name;
      return bad("unknown limit " + name + " (known: " + known + ")");
    }
    if (!seen.insert(name).second) return bad(name + " is given twice");
    const std::string value = item.substr(eq + 1);
    const size_t colon = value.find(':');
    Rlimit limit;
    limit.type = OciType(name);
    if (!ParseLimit(value.substr(0, colon), &limit.soft) ||
        !ParseLimit(colon == std::string::npos ? value.substr(0, colon) : value.substr(colon + 1),
                    &limit.hard)) {
      return bad("a limit is a number, -1 or unlimited");
    }
    if (limit.soft > limit.hard) return bad("the soft limit is above the hard one");
    out.push_back(std::move(limit));
  }
  return out;
}

Status CheckRaisable(const std::vector<Rlimit>& rlimits, bool can_raise) {
  if (can_raise) return OkStatus();
  for (const Rlimit& limit : rlimits) {
    for (const Kind& kind : kKinds) {
      if (OciType(kind.name) != limit.type) continue;
      rlimit own{};
      if (::getrlimit(kind.resource, &own) != 0)
        return ErrnoStatus(errno, "getrlimit " + limit.type);
      const uint64_t own_hard = own.rlim_max == RLIM_INFINITY ? kUnlimited : own.rlim_max;
      if (limit.hard > own_hard) {
        return Status(StatusCode::kFailedPrecondition,
                      std::string(kind.name) + " hard limit " + Shown(limit.hard) +
                          " is above cria-runtime's own (" + Shown(own_hard) +
                          "), which it cannot raise without CAP_SYS_RESOURCE");
      }
    }
  }
  return OkStatus();
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/seccomp_profile.h"

#include <algorithm>
#include <cstdio>

#include "libs/records/json_object.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::spec {
namespace {

using rapidjson::Value;

Status Invalid(const std::string& what) {
  return Status(StatusCode::kInvalidArgument, "seccomp profile: " + what);
}

std::string SeccompArchOf(const std::string& arch) {
  if (arch == "amd64") return "SCMP_ARCH_X86_64";
  if (arch == "arm64") return "SCMP_ARCH_AARCH64";
  if (arch == "386" || arch == "x86") return "SCMP_ARCH_X86";
  if (arch == "arm") return "SCMP_ARCH_ARM";
  if (arch == "ppc64le") return "SCMP_ARCH_PPC64LE";
  if (arch == "s390x") return "SCMP_ARCH_S390X";
  if (arch == "riscv64") return "SCMP_ARCH_RISCV64";
  if (arch == "mips64") return "SCMP_ARCH_MIPS64";
  if (arch == "mips64le") return "SCMP_ARCH_MIPSEL64";
  return "";
}

Result<std::vector<std::string>> StringList(const Value& object, const char* key,
                                            const std::string& where) {
  std::vector<std::string> out;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray()) return Invalid(where + "." + key + " is not an array");
  for (const Value& v : it->value.GetArray()) {
    if (!v.IsString())
      return Invalid(where + "." + key + " holds " + records::JsonTypeName(v.GetType()));
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// "4.8" → {4, 8}.
Result<std::pair<int, int>> KernelVersion(const Value& v, const std::string& where) {
  int major = 0;
  int minor = 0;
  if (!v.IsString() || std::sscanf(v.GetString(), "%d.%d", &major, &minor) != 2 || major < 0 ||
      minor < 0) {
    return Invalid(where + ".minKernel is not a \"major.minor\" version");
  }
  return std::make_pair(major, minor);
}

bool KernelAtLeast(const SeccompTarget& t, std::pair<int, int> v) {
  if (t.kernel_major == 0 && t.kernel_minor == 0) return true;
  return std::make_pair(t.kernel_major, t.kernel_minor) >= v;
}

// Whether a Docker-format rule applies to `target` (moby's rules: every excluded
// architecture and capability must be absent and the kernel older than an excluded
// minKernel; every included architecture list must name the target, every included
// capability must be held, and the kernel must reach an included minKernel).
Result<bool> Applies(const Value& rule, const SeccompTarget& target, const std::string& where) {
  for (const char* section : {"excludes", "includes"}) {
    const bool include = std::string(section) == "includes";
    auto it = rule.FindMember(section);
    if (it == rule.MemberEnd() || it->value.IsNull()) continue;
    if (!it->value.IsObject()) return Invalid(where + "." + section + " is not an object");
    const std::string at = where + "." + section;
    CRIA_ASSIGN_OR_RETURN(std::vector<std::string> arches, StringList(it->value, "arches", at), "");
    CRIA_ASSIGN_OR_RETURN(std::vector<std::string> caps, StringList(it->value, "caps", at), "");
    if (include) {
      if (!arches.empty() && !Contains(arches, target.arch)) return false;
      for (const std::string& cap : caps) {
        if (!Contains(target.capabilities, cap)) return false;
      }
    } else {
      if (Contains(arches, target.arch)) return false;
      for (const std::string& cap : caps) {
        if (Contains(target.capabilities, cap)) return false;
      }
    }
    auto kernel = it->value.FindMember("minKernel");
    if (kernel != it->value.MemberEnd() && !kernel->value.IsNull()) {
      CRIA_ASSIGN_OR_RETURN(auto version, KernelVersion(kernel->value, at), "");
      if (KernelAtLeast(target, version) != include) return false;
    }
  }
  return true;
}

}  // namespace

const char* NativeArch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

std::vector<std::string> SeccompArchitectures(const std::string& arch) {
  if (arch == "amd64") return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  if (arch == "arm64") return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
  if (arch == "s390x") return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
  std::string own = SeccompArchOf(arch);
  if (own.empty()) return {};
  return {own};
}

Result<std::string> RenderSeccompProfile(std::string_view profile_json,
                                         const SeccompTarget& target) {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document in, records::ParseJsonObject(profile_json),
                        "seccomp profile");
  auto default_action = in.FindMember("defaultAction");
  if (default_action == in.MemberEnd() || !default_action->value.IsString()) {
    return Invalid("defaultAction is missing or not a string");
  }

  rapidjson::Document out(rapidjson::kObjectType);
  auto& alloc = out.GetAllocator();
  for (auto& member : in.GetObject()) {
    const std::string key(member.name.GetString(), member.name.GetStringLength());
    if (key == "archMap" || key == "syscalls" || key == "architectures") continue;
    out.AddMember(Value(member.name, alloc), Value(member.value, alloc), alloc);
  }

  // architectures: as given, else the archMap entry of the native architecture.
  CRIA_ASSIGN_OR_RETURN(std::vector<std::string> arches, StringList(in, "architectures", "profile"),
                        "");
  auto arch_map = in.FindMember("archMap");
  if (arches.empty() && arch_map != in.MemberEnd() && !arch_map->value.IsNull()) {
    if (!arch_map->value.IsArray()) return Invalid("archMap is not an array");
    const std::string native = SeccompArchOf(target.arch);
    for (const Value& entry : arch_map->value.GetArray()) {
      if (!entry.IsObject()) return Invalid("archMap holds a non-object");
      auto a = entry.FindMember("architecture");
      if (a == entry.MemberEnd() || !a->value.IsString()) {
        return Invalid("archMap entry without an architecture");
      }
      if (native.empty() || native != a->value.GetString()) continue;
      arches.push_back(native);
      CRIA_ASSIGN_OR_RETURN(std::vector<std::string> subs,
                            StringList(entry, "subArchitectures", "archMap"), "");
      arches.insert(arches.end(), subs.begin(), subs.end());
    }
  }
  if (!arches.empty()) {
    Value list(rapidjson::kArrayType);
    for (const std::string& a : arches) list.PushBack(Value(a.c_str(), alloc), alloc);
    out.AddMember("architectures", list, alloc);
  }

  Value syscalls(rapidjson::kArrayType);
  auto in_syscalls = in.FindMember("syscalls");
  if (in_syscalls != in.MemberEnd() && !in_syscalls->value.IsNull()) {
    if (!in_syscalls->value.IsArray()) return Invalid("syscalls is not an array");
    size_t index = 0;
    for (const Value& rule : in_syscalls->value.GetArray()) {
      const std::string where = "syscalls[" + std::to_string(index++) + "]";
      if (!rule.IsObject()) return Invalid(where + " is not an object");
      CRIA_ASSIGN_OR_RETURN(bool applies, Applies(rule, target, where), "");
      if (!applies) continue;
      Value converted(rapidjson::kObjectType);
      CRIA_ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(rule, "names", where), "");
      auto name = rule.FindMember("name");
      if (name != rule.MemberEnd() && name->value.IsString()) {
        names.emplace_back(name->value.GetString(), name->value.GetStringLength());
      }
      if (names.empty()) return Invalid(where + " names no syscall");
      auto action = rule.FindMember("action");
      if (action == rule.MemberEnd() || !action->value.IsString()) {
        return Invalid(where + " has no action");
      }
      Value list(rapidjson::kArrayType);
      for (const std::string& n : names) list.PushBack(Value(n.c_str(), alloc), alloc);
      converted.AddMember("names", list, alloc);
      for (auto& member : rule.GetObject()) {
        const std::string key(member.name.GetString(), member.name.GetStringLength());
        if (key == "names" || key == "name" || key == "includes" || key == "excludes" ||
            key == "comment") {
          continue;
        }
        converted.AddMember(Value(member.name, alloc), Value(member.value, alloc), alloc);
      }
      syscalls.PushBack(converted, alloc);
    }
  }
  out.AddMember("syscalls", syscalls, alloc);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  out.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace cria::runtime::spec

#include "services/runtime/spec/resources.h"

#include "libs/records/json_object.h"
#include "services/runtime/spec/spec_json.h"

namespace cria::runtime::spec {
namespace {

Status Negative(const char* field, int64_t value) {
  return Status(StatusCode::kInvalidArgument,
                std::string(field) + " " + std::to_string(value) + " is negative");
}

}  // namespace

Result<OomScoreAdj> ClampOomScoreAdj(int64_t requested, int floor) {
  if (requested < -1000 || requested > 1000) {
    return Status(StatusCode::kInvalidArgument,
                  "oom_score_adj " + std::to_string(requested) + " is outside -1000..1000");
  }
  OomScoreAdj out;
  out.requested = static_cast<int>(requested);
  out.applied = out.requested < floor ? floor : out.requested;
  return out;
}

Result<Resources> BuildResources(const ::runtime::v1::LinuxContainerResources& r,
                                 const HostFacts& host) {
  if (r.cpu_period() < 0) return Negative("cpu_period", r.cpu_period());
  if (r.cpu_quota() < -1) return Negative("cpu_quota", r.cpu_quota());
  if (r.cpu_shares() < 0) return Negative("cpu_shares", r.cpu_shares());
  if (r.memory_limit_in_bytes() < 0)
    return Negative("memory_limit_in_bytes", r.memory_limit_in_bytes());
  if (r.memory_swap_limit_in_bytes() < -1) {
    return Negative("memory_swap_limit_in_bytes", r.memory_swap_limit_in_bytes());
  }

  Resources out;
  if (r.cpu_period() != 0) out.cpu.period = static_cast<uint64_t>(r.cpu_period());
  if (r.cpu_quota() != 0) out.cpu.quota = r.cpu_quota();
  if (r.cpu_shares() != 0) out.cpu.shares = static_cast<uint64_t>(r.cpu_shares());
  out.cpu.cpus = r.cpuset_cpus();
  out.cpu.mems = r.cpuset_mems();

  if (r.memory_limit_in_bytes() != 0) {
    out.memory.limit = r.memory_limit_in_bytes();
    if (r.memory_swap_limit_in_bytes() == 0 && host.swap_limit_supported) {
      out.memory.swap = r.memory_limit_in_bytes();
    }
  }
  if (r.memory_swap_limit_in_bytes() != 0 && host.swap_limit_supported) {
    out.memory.swap = r.memory_swap_limit_in_bytes();
  }

  if (r.hugepage_limits_size() > 0 && !host.hugetlb_supported) {
    return Status(StatusCode::kFailedPrecondition,
                  "hugepage limits requested but the hugetlb cgroup controller is missing");
  }
  for (const ::runtime::v1::HugepageLimit& h : r.hugepage_limits()) {
    if (h.page_size().empty()) {
      return Status(StatusCode::kInvalidArgument, "hugepage limit without a page size");
    }
    out.hugepage_limits.push_back(HugepageLimit{h.page_size(), h.limit()});
  }

  if (!r.unified().empty() && !host.cgroup_v2) {
    return Status(StatusCode::kFailedPrecondition,
                  "unified (cgroup v2) resources requested but the host uses cgroup v1");
  }
  for (const auto& [key, value] : r.unified()) {
    if (key.empty() || key.find('/') != std::string::npos) {
      return Status(StatusCode::kInvalidArgument, "invalid unified resource \"" + key + "\"");
    }
    out.unified[key] = value;
  }
  return out;
}

Result<std::string> UpdateResourcesJson(const ::runtime::v1::LinuxContainerResources& resources,
                                        const HostFacts& host) {
  CRIA_ASSIGN_OR_RETURN(Resources r, BuildResources(resources, host), "update resources");
  return ResourcesToJson(r);
}

Result<std::string> ReplaceSpecResources(std::string_view config_json,
                                         const ::runtime::v1::LinuxContainerResources& resources,
                                         const HostFacts& host) {
  CRIA_ASSIGN_OR_RETURN(Resources built, BuildResources(resources, host), "update resources");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document update,
                        records::ParseJsonObject(ResourcesToJson(built)), "update resources");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document spec, records::ParseJsonObject(config_json),
                        "config.json");
  auto& alloc = spec.GetAllocator();
  auto linux = spec.FindMember("linux");
  if (linux == spec.MemberEnd() || !linux->value.IsObject()) {
    return Status(StatusCode::kInvalidArgument, "config.json has no linux object");
  }
  auto current = linux->value.FindMember("resources");
  if (current == linux->value.MemberEnd()) {
    linux->value.AddMember("resources", rapidjson::Value(rapidjson::kObjectType), alloc);
    current = linux->value.FindMember("resources");
  }
  if (!current->value.IsObject()) {
    return Status(StatusCode::kInvalidArgument, "config.json's linux.resources is not an object");
  }
  for (const char* key : {"memory", "cpu", "hugepageLimits", "unified"}) {
    current->value.EraseMember(key);  // keeps the order of the rest
    auto made = update.FindMember(key);
    if (made != update.MemberEnd()) {
      current->value.AddMember(rapidjson::Value(key, alloc), rapidjson::Value(made->value, alloc),
                               alloc);
    }
  }
  return records::SerializeJsonObject(spec);
}

::runtime::v1::LinuxContainerResources MergeResourceUpdate(
    const ::runtime::v1::LinuxContainerResources& current,
    const ::runtime::v1::LinuxContainerResources& update) {
  ::runtime::v1::LinuxContainerResources out = current;
  if (update.cpu_period() != 0) out.set_cpu_period(update.cpu_period());
  if (update.cpu_quota() != 0) out.set_cpu_quota(update.cpu_quota());
  if (update.cpu_shares() != 0) out.set_cpu_shares(update.cpu_shares());
  if (update.memory_limit_in_bytes() != 0) {
    out.set_memory_limit_in_bytes(update.memory_limit_in_bytes());
  }
  if (update.memory_swap_limit_in_bytes() != 0) {
    out.set_memory_swap_limit_in_bytes(update.memory_swap_limit_in_bytes());
  }
  if (!update.cpuset_cpus().empty()) out.set_cpuset_cpus(update.cpuset_cpus());
  if (!update.cpuset_mems().empty()) out.set_cpuset_mems(update.cpuset_mems());
  if (update.hugepage_limits_size() > 0) *out.mutable_hugepage_limits() = update.hugepage_limits();
  for (const auto& [key, value] : update.unified()) (*out.mutable_unified())[key] = value;
  return out;
}

}  // namespace cria::runtime::spec

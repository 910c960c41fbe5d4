// Parsing /etc/passwd and /etc/group text as the C library and runc read them: one entry a
// line, fields separated by ':'. Blank lines, comments ('#') and lines whose name is empty
// or whose ids are not numbers in the uid_t range are skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::runtime::spec {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

std::vector<PasswdEntry> ParsePasswd(std::string_view text);
std::vector<GroupEntry> ParseGroup(std::string_view text);

// `text` as a decimal uid/gid ("0" to "4294967294"); nullopt if it is anything else
// (including 4294967295, which is (uid_t)-1, "no id").
std::optional<uint32_t> ParseId(std::string_view text);

// A CRI int64 uid or gid as an id; InvalidArgument naming `field` when it is negative or
// not below 4294967295.
Result<uint32_t> IdFromCri(int64_t value, const char* field);

}  // namespace cria::runtime::spec

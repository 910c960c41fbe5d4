#include "libs/records/record_name.h"

#include <string>

#include "absl/strings/escaping.h"

namespace cria::records {
namespace {

constexpr size_t kMaxQuotedLength = 64;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

Status Invalid(std::string_view name, std::string_view rule) {
  const std::string_view shown = name.substr(0, kMaxQuotedLength);
  std::string message = "invalid record name \"";
  message += absl::CEscape(absl::string_view(shown.data(), shown.size()));
  message += shown.size() < name.size() ? "...\"" : "\"";
  message += ": ";
  message += rule;
  return Status(StatusCode::kInvalidArgument, message);
}

}  // namespace

Status ValidateRecordName(std::string_view name) {
  if (name.empty()) return Invalid(name, "empty");
  if (name.size() > kMaxRecordNameLength) {
    return Invalid(name, std::to_string(name.size()) + " characters, more than " +
                             std::to_string(kMaxRecordNameLength));
  }
  if (name[0] == '.') return Invalid(name, "starts with '.'");
  for (const char c : name) {
    if (!IsNameChar(c)) return Invalid(name, "only letters, digits, '_', '.' and '-' are allowed");
  }
  return OkStatus();
}

}  // namespace cria::records

#include "tools/criactl/output/status_json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace cria::criactl {
namespace {

// Go's encodeState.string with HTML escaping, as json.Marshal does by default.
void AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) are escaped too.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

// Go's float64 encoding: shortest form, fixed unless tiny or huge, "e-07" → "e-7".
void AppendNumber(double f, std::string& out) {
  if (!std::isfinite(f)) {
    out += "null";  // not reachable from parsed JSON
    return;
  }
  double abs = std::fabs(f);
  bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), f,
                           exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, res.ptr);
  size_t n = s.size();
  if (exponent && n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
    s.erase(n - 2, 1);
  }
  out += s;
}

void AppendIndent(int depth, std::string& out) {
  out += '\n';
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void AppendValue(const rapidjson::Value& v, int depth, std::string& out) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return;
    case rapidjson::kFalseType:
      out += "false";
      return;
    case rapidjson::kTrueType:
      out += "true";
      return;
    case rapidjson::kNumberType:
      AppendNumber(v.GetDouble(), out);
      return;
    case rapidjson::kStringType:
      AppendString(std::string_view(v.GetString(), v.GetStringLength()), out);
      return;
    case rapidjson::kArrayType: {
      if (v.Empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& item : v.GetArray()) {
        if (!first) out += ',';
        first = false;
        AppendIndent(depth + 1, out);
        AppendValue(item, depth + 1, out);
      }
      AppendIndent(depth, out);
      out += ']';
      return;
    }
    case rapidjson::kObjectType: {
      if (v.MemberCount() == 0) {
        out += "{}";
        return;
      }
      // A Go map: keys sorted, the last of duplicate keys wins.
      std::vector<std::pair<std::string_view, const rapidjson::Value*>> members;
      for (const auto& m : v.GetObject()) {
        members.emplace_back(std::string_view(m.name.GetString(), m.name.GetStringLength()),
                             &m.value);
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (size_t i = 0; i < members.size(); ++i) {
        if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
        if (!first) out += ',';
        first = false;
        AppendIndent(depth + 1, out);
        AppendString(members[i].first, out);
        out += ": ";
        AppendValue(*members[i].second, depth + 1, out);
      }
      AppendIndent(depth, out);
      out += '}';
      return;
    }
  }
}

// strings.Trim(value, `"`).
std::string TrimQuotes(const std::string& value) {
  size_t begin = value.find_first_not_of('"');
  if (begin == std::string::npos) return "";
  size_t end = value.find_last_not_of('"');
  return value.substr(begin, end - begin + 1);
}

}  // namespace

Result<std::string> StatusDataJson(const std::vector<StatusData>& statuses) {
  if (statuses.empty()) return std::string();
  rapidjson::Document result(rapidjson::kArrayType);
  auto& alloc = result.GetAllocator();
  for (const StatusData& status : statuses) {
    rapidjson::Value entry(rapidjson::kObjectType);
    if (!status.json.empty()) {
      rapidjson::Document parsed;
      parsed.Parse(status.json.c_str(), status.json.size());
      if (parsed.HasParseError()) {
        return Status(StatusCode::kInvalidArgument,
                      std::string("unmarshal status JSON: ") +
                          rapidjson::GetParseError_En(parsed.GetParseError()));
      }
      entry.AddMember("status", rapidjson::Value(parsed, alloc), alloc);
    }
    for (const auto& [key, value] : status.info) {
      rapidjson::Value v;
      bool object = !value.empty() && value[0] == '{';
      rapidjson::Document parsed;
      if (object) parsed.Parse(value.c_str(), value.size());
      if (object && !parsed.HasParseError() && parsed.IsObject()) {
        v.CopyFrom(parsed, alloc);
      } else {
        // (crictl fails on an object that does not parse; showing it is more useful.)
        std::string s = object ? value : TrimQuotes(value);
        v.SetString(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), alloc);
      }
      entry.AddMember(rapidjson::Value(key.c_str(), alloc), v, alloc);
    }
    result.PushBack(entry, alloc);
  }
  std::string out;
  AppendValue(result.Size() == 1 ? result[0] : result, 0, out);
  out += '\n';
  return out;
}

}  // namespace cria::criactl

#include "libs/records/json_object.h"

#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::records {
namespace {

// Whether the brackets of `text`, outside strings, nest at most `max_depth` deep. Malformed
// text is left for the parser to report; this only bounds how deep the parser can recurse.
bool NestsWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace

const char* JsonTypeName(rapidjson::Type type) {
  switch (type) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "an unknown type";
}

Result<rapidjson::Document> ParseJsonObject(std::string_view text) {
  if (text.empty()) return Invalid("empty (0 bytes)");
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Invalid("no JSON value, only " + std::to_string(text.size()) + " bytes of whitespace");
  }
  // RapidJSON reads a NUL as the end of the input, so "{}\0garbage" (say, a file extended
  // with zeros) would parse; raw NULs are never valid JSON text.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Invalid("not valid JSON: a NUL byte at byte offset " + std::to_string(nul) + " of " +
                   std::to_string(text.size()));
  }
  if (!NestsWithin(text, kMaxJsonDepth)) {
    return Invalid("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseDefaultFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Invalid(std::string("not valid JSON: ") +
                   rapidjson::GetParseError_En(doc.GetParseError()) + " (at byte offset " +
                   std::to_string(doc.GetErrorOffset()) + " of " + std::to_string(text.size()) +
                   ")");
  }
  if (!doc.IsObject()) {
    return Invalid(std::string("the JSON value is ") + JsonTypeName(doc.GetType()) +
                   ", not an object");
  }
  return doc;
}

Result<std::string> SerializeJsonObject(const rapidjson::Value& object) {
  if (!object.IsObject()) {
    return Invalid(std::string("the JSON value is ") + JsonTypeName(object.GetType()) +
                   ", not an object");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  if (!object.Accept(writer)) {
    return Invalid("the object holds a value JSON cannot represent (NaN or infinity)");
  }
  std::string json(buffer.GetString(), buffer.GetSize());
  json += '\n';
  return json;
}

}  // namespace cria::records

// Text ⇄ RapidJSON for records, whose top level is always one JSON object.
#pragma once

#include <string>
#include <string_view>

#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::records {

// RapidJSON's DOM parser recurses once per nesting level, so a megabyte of '[' would overflow
// the stack; deeper text is refused before parsing.
inline constexpr int kMaxJsonDepth = 128;

// Parses `text` as exactly one JSON object (RapidJSON kParseDefaultFlags: no comments, no
// trailing commas, nothing after the value). On failure InvalidArgument saying why: empty,
// nested too deep, the parse error and its byte offset, or the type of a non-object value.
Result<rapidjson::Document> ParseJsonObject(std::string_view text);

// `object` as compact JSON followed by a newline. InvalidArgument if it is not an object or
// holds a value JSON cannot represent (NaN, infinity).
Result<std::string> SerializeJsonObject(const rapidjson::Value& object);

// "null", "a boolean", "an object", "an array", "a string" or "a number", for messages.
const char* JsonTypeName(rapidjson::Type type);

}  // namespace cria::records

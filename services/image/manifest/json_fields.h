// Typed access to the fields of RapidJSON objects, for the manifest and config parsers.
// Every error is InvalidArgument naming the field by its path ("layers[2].digest").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::image::manifest::internal {

// InvalidArgument "<path>: <what>".
Status FieldError(std::string_view path, std::string_view what);

// "parent.name", or "name" when `parent` is empty.
std::string Join(std::string_view parent, std::string_view name);

// The member `name` of `object`, or nullptr when absent.
const rapidjson::Value* Find(const rapidjson::Value& object, std::string_view name);

// The member `name`, which must be present and a string.
Result<std::string> RequiredString(const rapidjson::Value& object, std::string_view name,
                                   std::string_view parent);

// The member `name` if it is a string; "" when absent or null; an error for other types.
Result<std::string> OptionalString(const rapidjson::Value& object, std::string_view name,
                                   std::string_view parent);

// An array of strings; empty when absent or null.
Result<std::vector<std::string>> OptionalStringArray(const rapidjson::Value& object,
                                                     std::string_view name,
                                                     std::string_view parent);

// An object whose values are strings; empty when absent or null.
Result<std::map<std::string, std::string>> OptionalStringMap(const rapidjson::Value& object,
                                                             std::string_view name,
                                                             std::string_view parent);

// The keys of an object (whose values are ignored, as in "ExposedPorts": {"80/tcp": {}});
// empty when absent or null.
Result<std::vector<std::string>> OptionalObjectKeys(const rapidjson::Value& object,
                                                    std::string_view name, std::string_view parent);

// A string value as std::string (keeps embedded NULs written as \u0000).
std::string StringOf(const rapidjson::Value& value);

// A short name for the JSON type of `value` ("a number", "an array", ...).
const char* TypeName(const rapidjson::Value& value);

}  // namespace cria::image::manifest::internal

#include "services/image/manifest/json_fields.h"

#include "libs/records/json_object.h"

namespace cria::image::manifest::internal {

Status FieldError(std::string_view path, std::string_view what) {
  std::string message(path);
  message += ": ";
  message += what;
  return Status(StatusCode::kInvalidArgument, message);
}

std::string Join(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string path(parent);
  path += '.';
  path += name;
  return path;
}

const rapidjson::Value* Find(const rapidjson::Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  const rapidjson::Value key(rapidjson::StringRef(name.data(), name.size()));
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return nullptr;
  return &it->value;
}

std::string StringOf(const rapidjson::Value& value) {
  return std::string(value.GetString(), value.GetStringLength());
}

const char* TypeName(const rapidjson::Value& value) {
  return records::JsonTypeName(value.GetType());
}

Result<std::string> RequiredString(const rapidjson::Value& object, std::string_view name,
                                   std::string_view parent) {
  const rapidjson::Value* value = Find(object, name);
  if (value == nullptr) return FieldError(Join(parent, name), "missing");
  if (!value->IsString()) {
    return FieldError(Join(parent, name), std::string("is ") + TypeName(*value) + ", not a string");
  }
  return StringOf(*value);
}

Result<std::string> OptionalString(const rapidjson::Value& object, std::string_view name,
                                   std::string_view parent) {
  const rapidjson::Value* value = Find(object, name);
  if (value == nullptr || value->IsNull()) return std::string();
  if (!value->IsString()) {
    return FieldError(Join(parent, name), std::string("is ") + TypeName(*value) + ", not a string");
  }
  return StringOf(*value);
}

Result<std::vector<std::string>> OptionalStringArray(const rapidjson::Value& object,
                                                     std::string_view name,
                                                     std::string_view parent) {
  std::vector<std::string> out;
  const rapidjson::Value* value = Find(object, name);
  if (value == nullptr || value->IsNull()) return out;
  const std::string path = Join(parent, name);
  if (!value->IsArray()) {
    return FieldError(path, std::string("is ") + TypeName(*value) + ", not an array of strings");
  }
  out.reserve(value->Size());
  for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
    const rapidjson::Value& item = (*value)[i];
    if (!item.IsString()) {
      return FieldError(path + "[" + std::to_string(i) + "]",
                        std::string("is ") + TypeName(item) + ", not a string");
    }
    out.push_back(StringOf(item));
  }
  return out;
}

Result<std::map<std::string, std::string>> OptionalStringMap(const rapidjson::Value& object,
                                                             std::string_view name,
                                                             std::string_view parent) {
  std::map<std::string, std::string> out;
  const rapidjson::Value* value = Find(object, name);
  if (value == nullptr || value->IsNull()) return out;
  const std::string path = Join(parent, name);
  if (!value->IsObject()) {
    return FieldError(path, std::string("is ") + TypeName(*value) + ", not an object of strings");
  }
  for (const auto& member : value->GetObject()) {
    const std::string key = StringOf(member.name);
    if (!member.value.IsString()) {
      return FieldError(path + "[\"" + key + "\"]",
                        std::string("is ") + TypeName(member.value) + ", not a string");
    }
    out[key] = StringOf(member.value);
  }
  return out;
}

Result<std::vector<std::string>> OptionalObjectKeys(const rapidjson::Value& object,
                                                    std::string_view name,
                                                    std::string_view parent) {
  std::vector<std::string> out;
  const rapidjson::Value* value = Find(object, name);
  if (value == nullptr || value->IsNull()) return out;
  if (!value->IsObject()) {
    return FieldError(Join(parent, name),
                      std::string("is ") + TypeName(*value) + ", not an object");
  }
  for (const auto& member : value->GetObject()) out.push_back(StringOf(member.name));
  return out;
}

}  // namespace cria::image::manifest::internal

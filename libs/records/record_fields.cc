#include "libs/records/record_fields.h"

namespace cria::records {

RecordBuilder::RecordBuilder(int version) : doc_(rapidjson::kObjectType) {
  doc_.AddMember("version", version, doc_.GetAllocator());
}

RecordBuilder& RecordBuilder::String(const char* key, std::string_view value) {
  auto& a = doc_.GetAllocator();
  doc_.AddMember(rapidjson::StringRef(key),
                 rapidjson::Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a),
                 a);
  return *this;
}

RecordBuilder& RecordBuilder::Int64(const char* key, int64_t value) {
  doc_.AddMember(rapidjson::StringRef(key), rapidjson::Value(value), doc_.GetAllocator());
  return *this;
}

RecordBuilder& RecordBuilder::Uint64(const char* key, uint64_t value) {
  doc_.AddMember(rapidjson::StringRef(key), rapidjson::Value(value), doc_.GetAllocator());
  return *this;
}

RecordBuilder& RecordBuilder::Bool(const char* key, bool value) {
  doc_.AddMember(rapidjson::StringRef(key), rapidjson::Value(value), doc_.GetAllocator());
  return *this;
}

RecordBuilder& RecordBuilder::Strings(const char* key, const std::vector<std::string>& values) {
  auto& a = doc_.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& v : values) {
    list.PushBack(rapidjson::Value(v.data(), static_cast<rapidjson::SizeType>(v.size()), a), a);
  }
  doc_.AddMember(rapidjson::StringRef(key), list, a);
  return *this;
}

Result<RecordReader> RecordReader::Open(const rapidjson::Value& value, std::string kind,
                                        int version) {
  RecordReader reader(value, std::move(kind));
  if (!value.IsObject()) {
    return Status(StatusCode::kDataLoss, reader.kind_ + " record: not a JSON object");
  }
  int found = 0;
  if (!reader.Int("version", &found).ok() || found != version) return reader.Bad("version");
  return reader;
}

const rapidjson::Value* RecordReader::Member(const char* key) const {
  auto it = value_->FindMember(key);
  return it == value_->MemberEnd() ? nullptr : &it->value;
}

Status RecordReader::Bad(const char* key) const {
  return Status(StatusCode::kDataLoss,
                kind_ + " record: bad or missing \"" + std::string(key) + "\"");
}

Status RecordReader::String(const char* key, std::string* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsString()) return Bad(key);
  out->assign(v->GetString(), v->GetStringLength());
  return OkStatus();
}

Status RecordReader::Int64(const char* key, int64_t* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsInt64()) return Bad(key);
  *out = v->GetInt64();
  return OkStatus();
}

Status RecordReader::Uint64(const char* key, uint64_t* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsUint64()) return Bad(key);
  *out = v->GetUint64();
  return OkStatus();
}

Status RecordReader::Int(const char* key, int* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsInt()) return Bad(key);
  *out = v->GetInt();
  return OkStatus();
}

Status RecordReader::Bool(const char* key, bool* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsBool()) return Bad(key);
  *out = v->GetBool();
  return OkStatus();
}

Status RecordReader::Strings(const char* key, std::vector<std::string>* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr || !v->IsArray()) return Bad(key);
  out->clear();
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) return Bad(key);
    out->emplace_back(item.GetString(), item.GetStringLength());
  }
  return OkStatus();
}

Status RecordReader::OptionalString(const char* key, std::string* out) const {
  return Member(key) == nullptr ? OkStatus() : String(key, out);
}

Status RecordReader::OptionalInt(const char* key, int* out) const {
  return Member(key) == nullptr ? OkStatus() : Int(key, out);
}

}  // namespace cria::records

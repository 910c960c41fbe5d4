#include "services/image/store/image_record.h"

namespace cria::image::store {
namespace {

constexpr int kRecordVersion = 1;

void AddString(rapidjson::Document& doc, const char* key, const std::string& value) {
  auto& a = doc.GetAllocator();
  doc.AddMember(rapidjson::StringRef(key), rapidjson::Value(value.c_str(), value.size(), a), a);
}

void AddList(rapidjson::Document& doc, const char* key, const std::vector<std::string>& values) {
  auto& a = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& v : values) list.PushBack(rapidjson::Value(v.c_str(), v.size(), a), a);
  doc.AddMember(rapidjson::StringRef(key), list, a);
}

Status Bad(const char* key) {
  return Status(StatusCode::kDataLoss, std::string("image record: bad or missing \"") + key + "\"");
}

Result<std::string> GetString(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString()) return Bad(key);
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<std::vector<std::string>> GetList(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsArray()) return Bad(key);
  std::vector<std::string> out;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) return Bad(key);
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

}  // namespace

rapidjson::Document ToJson(const ImageRecord& r) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  doc.AddMember("version", kRecordVersion, a);
  AddString(doc, "id", r.id);
  AddList(doc, "repo_tags", r.repo_tags);
  AddList(doc, "repo_digests", r.repo_digests);
  AddString(doc, "manifest_digest", r.manifest_digest);
  AddList(doc, "chain_ids", r.chain_ids);
  doc.AddMember("size", r.size, a);
  doc.AddMember("created_unix_nano", r.created_unix_nano, a);
  AddString(doc, "source", r.source);
  return doc;
}

Result<ImageRecord> FromJson(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return Status(StatusCode::kDataLoss, "image record: not an object");
  auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt() ||
      version->value.GetInt() != kRecordVersion) {
    return Bad("version");
  }
  ImageRecord r;
  CRIA_ASSIGN_OR_RETURN(r.id, GetString(doc, "id"), "");
  CRIA_ASSIGN_OR_RETURN(r.repo_tags, GetList(doc, "repo_tags"), "");
  CRIA_ASSIGN_OR_RETURN(r.repo_digests, GetList(doc, "repo_digests"), "");
  CRIA_ASSIGN_OR_RETURN(r.manifest_digest, GetString(doc, "manifest_digest"), "");
  CRIA_ASSIGN_OR_RETURN(r.chain_ids, GetList(doc, "chain_ids"), "");
  CRIA_ASSIGN_OR_RETURN(r.source, GetString(doc, "source"), "");
  auto size = doc.FindMember("size");
  if (size == doc.MemberEnd() || !size->value.IsUint64()) return Bad("size");
  r.size = size->value.GetUint64();
  auto created = doc.FindMember("created_unix_nano");
  if (created == doc.MemberEnd() || !created->value.IsInt64()) return Bad("created_unix_nano");
  r.created_unix_nano = created->value.GetInt64();
  return r;
}

}  // namespace cria::image::store

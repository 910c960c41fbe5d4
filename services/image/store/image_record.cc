#include "services/image/store/image_record.h"

#include "libs/records/record_fields.h"

namespace cria::image::store {
namespace {

constexpr int kRecordVersion = 1;

}  // namespace

rapidjson::Document ToJson(const ImageRecord& r) {
  return records::RecordBuilder(kRecordVersion)
      .String("id", r.id)
      .Strings("repo_tags", r.repo_tags)
      .Strings("repo_digests", r.repo_digests)
      .String("manifest_digest", r.manifest_digest)
      .Strings("chain_ids", r.chain_ids)
      .Uint64("size", r.size)
      .Int64("created_unix_nano", r.created_unix_nano)
      .String("source", r.source)
      .Take();
}

Result<ImageRecord> FromJson(const rapidjson::Value& doc) {
  CRIA_ASSIGN_OR_RETURN(records::RecordReader in,
                        records::RecordReader::Open(doc, "image", kRecordVersion), "");
  ImageRecord r;
  CRIA_RETURN_IF_ERROR(in.String("id", &r.id), "");
  CRIA_RETURN_IF_ERROR(in.Strings("repo_tags", &r.repo_tags), "");
  CRIA_RETURN_IF_ERROR(in.Strings("repo_digests", &r.repo_digests), "");
  CRIA_RETURN_IF_ERROR(in.String("manifest_digest", &r.manifest_digest), "");
  CRIA_RETURN_IF_ERROR(in.Strings("chain_ids", &r.chain_ids), "");
  CRIA_RETURN_IF_ERROR(in.String("source", &r.source), "");
  CRIA_RETURN_IF_ERROR(in.Uint64("size", &r.size), "");
  CRIA_RETURN_IF_ERROR(in.Int64("created_unix_nano", &r.created_unix_nano), "");
  return r;
}

}  // namespace cria::image::store

// The fields of a daemon's own JSON records ({"version": N, "key": value, ...}): written
// with RecordBuilder, read back with RecordReader. Every read error is DataLoss naming the
// record kind and the field ("container record: bad or missing \"state\""): a record that
// does not read back was not written by this version of the daemon.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::records {

class RecordBuilder {
 public:
  explicit RecordBuilder(int version);
  // Keys are string literals (kept by reference).
  RecordBuilder& String(const char* key, std::string_view value);
  RecordBuilder& Int64(const char* key, int64_t value);
  RecordBuilder& Uint64(const char* key, uint64_t value);
  RecordBuilder& Bool(const char* key, bool value);
  RecordBuilder& Strings(const char* key, const std::vector<std::string>& values);

  const rapidjson::Document& doc() const { return doc_; }
  rapidjson::Document Take() { return std::move(doc_); }

 private:
  rapidjson::Document doc_;
};

class RecordReader {
 public:
  // DataLoss when `value` is not an object or its "version" is not `version`. `value` must
  // outlive the reader.
  static Result<RecordReader> Open(const rapidjson::Value& value, std::string kind, int version);

  Status String(const char* key, std::string* out) const;
  Status Int64(const char* key, int64_t* out) const;
  Status Uint64(const char* key, uint64_t* out) const;
  Status Int(const char* key, int* out) const;
  Status Bool(const char* key, bool* out) const;
  Status Strings(const char* key, std::vector<std::string>* out) const;
  // Fields added after the first records were written: absent leaves *out as it is.
  Status OptionalString(const char* key, std::string* out) const;
  Status OptionalInt(const char* key, int* out) const;

  // DataLoss "<kind> record: bad or missing \"<key>\"".
  Status Bad(const char* key) const;

 private:
  RecordReader(const rapidjson::Value& value, std::string kind)
      : value_(&value), kind_(std::move(kind)) {}
  const rapidjson::Value* Member(const char* key) const;

  const rapidjson::Value* value_;
  std::string kind_;
};

}  // namespace cria::records

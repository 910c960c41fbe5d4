// A directory of records: small JSON objects, one per file "<name>.json", written atomically
// by the one daemon that owns the directory and loaded when it starts (DESIGN.md section 3).
// A record that cannot be read back (torn, corrupt, oversized) is moved aside to
// "<dir>/quarantine/" and reported; it never stops the daemon.
//
// Not thread-safe: the owning store serialises calls for one directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/status/status.h"
#include "rapidjson/document.h"

namespace cria::records {

// The largest record file written or read (1 MiB).
inline constexpr size_t kMaxRecordBytes = size_t{1} << 20;
// Subdirectory of a RecordDir that holds quarantined files.
inline constexpr std::string_view kQuarantineDirName = "quarantine";

class RecordDir {
 public:
  explicit RecordDir(std::filesystem::path dir);

  // Creates the directory and any missing parents with mode 0700 (mkdir -p); an existing
  // directory is fine.
  [[nodiscard]] Status Init();

  // Serialises `object` (a JSON object) and writes it as record `name`, replacing any older
  // one atomically. InvalidArgument for a bad name, a non-object, NaN/infinity, or more than
  // kMaxRecordBytes of JSON.
  [[nodiscard]] Status Write(std::string_view name, const rapidjson::Value& object);
  // Writes `json` as record `name` after checking it parses as one JSON object (otherwise
  // InvalidArgument saying why).
  [[nodiscard]] Status WriteRaw(std::string_view name, std::string_view json);

  // Record `name`. NotFound if absent; DataLoss if the file is empty, torn, not JSON, not an
  // object or larger than kMaxRecordBytes; other I/O errors keep their errno's code.
  Result<rapidjson::Document> Read(std::string_view name) const;

  // Removes record `name`; a missing record is OK.
  [[nodiscard]] Status Remove(std::string_view name);

  struct Quarantined {
    std::string name;                // the record name
    std::string reason;              // why it could not be loaded
    std::filesystem::path moved_to;  // "<dir>/quarantine/<name>.json.<unix-seconds>[.<n>]"
  };
  struct LoadReport {
    // Every loadable record, in name order.
    std::vector<std::pair<std::string, rapidjson::Document>> records;
    std::vector<Quarantined> quarantined;
    // File names (no directory) of temp files left by interrupted writes, now deleted.
    std::vector<std::string> removed_temp_files;
  };
  // Loads every "<name>.json" regular file whose name is a valid record name, in name order.
  // A record that cannot be read is moved to "<dir>/quarantine/<name>.json.<unix-seconds>"
  // (".<n>" appended if that exists) and listed with the reason; leftover temp files
  // (".*.tmp-*") are deleted and listed; other entries are ignored. Errors only when the
  // directory cannot be listed or a file cannot be moved aside or deleted (the directory is
  // then unusable for writes too). Never throws.
  Result<LoadReport> LoadAll();

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path PathOf(std::string_view name) const;
  Status WriteJson(std::string_view name, std::string_view json);

  std::filesystem::path dir_;
};

}  // namespace cria::records

#include "libs/records/record_dir.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <optional>
#include <system_error>

#include "libs/records/atomic_file.h"
#include "libs/records/json_object.h"
#include "libs/records/record_name.h"
#include "libs/records/small_file.h"

namespace cria::records {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRecordSuffix = ".json";
constexpr mode_t kDirMode = 0700;

std::string Quote(std::string_view name) { return "\"" + std::string(name) + "\""; }

Status FsError(const std::error_code& ec, const std::string& what) {
  if (ec.category() == std::generic_category() || ec.category() == std::system_category()) {
    return ErrnoStatus(ec.value(), what);
  }
  return Status(StatusCode::kInternal, what + ": " + ec.message());
}

// mkdir -p: creates each missing component of `dir` with `mode` and fsyncs its parent.
Status MakeDirs(const fs::path& dir, mode_t mode) {
  fs::path current;
  for (const fs::path& part : dir) {
    if (part.empty()) continue;  // a trailing '/'
    const fs::path parent = current.empty() ? fs::path(".") : current;
    current /= part;
    if (mkdir(current.c_str(), mode) == 0) {
      CRIA_RETURN_IF_ERROR(SyncDir(parent), "after creating " + current.string());
    } else if (errno != EEXIST) {
      return ErrnoStatus(errno, "create directory " + current.string());
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return ErrnoStatus(errno, "stat " + dir.string());
  if (!S_ISDIR(st.st_mode)) {
    return Status(StatusCode::kFailedPrecondition, dir.string() + " is not a directory");
  }
  return OkStatus();
}

// The record name stored in `file_name`, if it is "<valid name>.json".
std::optional<std::string> RecordNameOf(std::string_view file_name) {
  if (file_name.size() <= kRecordSuffix.size() ||
      file_name.substr(file_name.size() - kRecordSuffix.size()) != kRecordSuffix) {
    return std::nullopt;
  }
  const std::string_view name = file_name.substr(0, file_name.size() - kRecordSuffix.size());
  if (!ValidateRecordName(name).ok()) return std::nullopt;
  return std::string(name);
}

// Reads and parses one record file: NotFound if absent, DataLoss if it cannot hold a record,
// other I/O errors with their errno's code.
Result<rapidjson::Document> ReadRecordFile(const fs::path& path) {
  Result<std::string> text = ReadSmallFile(path, kMaxRecordBytes);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kOutOfRange) {
      return Status(StatusCode::kDataLoss, MessageOf(text.status()));
    }
    return text.status();
  }
  Result<rapidjson::Document> doc = ParseJsonObject(*text);
  if (!doc.ok()) {
    return Status(StatusCode::kDataLoss, "parse " + path.string() + ": " + MessageOf(doc.status()));
  }
  return doc;
}

// Moves `file` into `quarantine_dir` (created if missing) as "<file name>.<unix-seconds>",
// with ".<n>" appended if that name is taken, and makes the move durable.
Result<fs::path> QuarantineFile(const fs::path& file, const fs::path& quarantine_dir) {
  if (mkdir(quarantine_dir.c_str(), kDirMode) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "create directory " + quarantine_dir.string());
  }
  const std::string base = file.filename().string() + "." + std::to_string(std::time(nullptr));
  fs::path target = quarantine_dir / base;
  struct stat st;
  for (int n = 1; lstat(target.c_str(), &st) == 0; ++n) {
    target = quarantine_dir / (base + "." + std::to_string(n));
  }
  if (rename(file.c_str(), target.c_str()) != 0) {
    return ErrnoStatus(errno, "move " + file.string() + " to " + target.string());
  }
  CRIA_RETURN_IF_ERROR(SyncDir(quarantine_dir), "after moving " + file.string());
  CRIA_RETURN_IF_ERROR(SyncDir(file.parent_path()), "after moving " + file.string());
  return target;
}

}  // namespace

RecordDir::RecordDir(std::filesystem::path dir) : dir_(std::move(dir)) {}

fs::path RecordDir::PathOf(std::string_view name) const {
  return dir_ / (std::string(name) + std::string(kRecordSuffix));
}

Status RecordDir::Init() {
  CRIA_RETURN_IF_ERROR(MakeDirs(dir_, kDirMode), "create record directory " + dir_.string());
  return OkStatus();
}

Status RecordDir::Write(std::string_view name, const rapidjson::Value& object) {
  CRIA_RETURN_IF_ERROR(ValidateRecordName(name), "write record");
  CRIA_ASSIGN_OR_RETURN(const std::string json, SerializeJsonObject(object),
                        "write record " + Quote(name));
  return WriteJson(name, json);
}

Status RecordDir::WriteRaw(std::string_view name, std::string_view json) {
  CRIA_RETURN_IF_ERROR(ValidateRecordName(name), "write record");
  if (json.size() <= kMaxRecordBytes) {
    CRIA_RETURN_IF_ERROR(ParseJsonObject(json).status(), "write record " + Quote(name));
  }
  return WriteJson(name, json);
}

Status RecordDir::WriteJson(std::string_view name, std::string_view json) {
  if (json.size() > kMaxRecordBytes) {
    return Status(StatusCode::kInvalidArgument,
                  "write record " + Quote(name) + ": " + std::to_string(json.size()) +
                      " bytes of JSON, over the limit of " + std::to_string(kMaxRecordBytes));
  }
  CRIA_RETURN_IF_ERROR(WriteFileAtomic(PathOf(name), json), "write record " + Quote(name));
  return OkStatus();
}

Result<rapidjson::Document> RecordDir::Read(std::string_view name) const {
  CRIA_RETURN_IF_ERROR(ValidateRecordName(name), "read record");
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document doc, ReadRecordFile(PathOf(name)),
                        "read record " + Quote(name));
  return doc;
}

Status RecordDir::Remove(std::string_view name) {
  CRIA_RETURN_IF_ERROR(ValidateRecordName(name), "remove record");
  CRIA_RETURN_IF_ERROR(RemoveFile(PathOf(name)), "remove record " + Quote(name));
  return OkStatus();
}

Result<RecordDir::LoadReport> RecordDir::LoadAll() {
  std::vector<std::string> names;
  std::vector<std::string> temp_files;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file_name = it->path().filename().string();
    std::error_code type_ec;
    if (IsAtomicTempName(file_name)) {
      // Only ever a regular file; anything else with that name is not ours to delete.
      if (it->symlink_status(type_ec).type() == fs::file_type::regular) {
        temp_files.push_back(file_name);
      }
    } else if (std::optional<std::string> name = RecordNameOf(file_name)) {
      if (it->is_regular_file(type_ec)) names.push_back(*std::move(name));
    }
  }
  if (ec) return FsError(ec, "list records in " + dir_.string());
  std::sort(names.begin(), names.end());
  std::sort(temp_files.begin(), temp_files.end());

  LoadReport report;
  for (std::string& file_name : temp_files) {
    CRIA_RETURN_IF_ERROR(RemoveFile(dir_ / file_name),
                         "remove temp file left by an interrupted write in " + dir_.string());
    report.removed_temp_files.push_back(std::move(file_name));
  }
  const fs::path quarantine_dir = dir_ / kQuarantineDirName;
  for (std::string& name : names) {
    Result<rapidjson::Document> doc = ReadRecordFile(PathOf(name));
    if (doc.ok()) {
      report.records.emplace_back(std::move(name), *std::move(doc));
      continue;
    }
    // Gone since the listing: nothing to load and nothing to move.
    if (doc.status().code() == StatusCode::kNotFound) continue;
    CRIA_ASSIGN_OR_RETURN(
        fs::path moved_to, QuarantineFile(PathOf(name), quarantine_dir),
        "quarantine record " + Quote(name) + " (" + MessageOf(doc.status()) + ")");
    report.quarantined.push_back({std::move(name), MessageOf(doc.status()), std::move(moved_to)});
  }
  return report;
}

}  // namespace cria::records

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "libs/records/atomic_file.h"
#include "libs/records/json_object.h"
#include "libs/records/record_dir.h"
#include "libs/records/record_fields.h"
#include "libs/records/record_name.h"
#include "libs/records/small_file.h"
#include "libs/status/status.h"
#include "libs/testing/temp_dir.h"

namespace cria::records {
namespace {

namespace fs = std::filesystem;
using Catch::Contains;
using cria::testing::TempDir;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void PutText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool HasTempFile(const fs::path& dir) {
  const std::vector<std::string> names = FileNames(dir);
  return std::any_of(names.begin(), names.end(),
                     [](const std::string& n) { return IsAtomicTempName(n); });
}

mode_t ModeOf(const fs::path& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// A valid JSON object of at least `bytes` bytes.
std::string BigObject(size_t bytes) { return "{\"pad\":\"" + std::string(bytes, 'x') + "\"}"; }

TEST_CASE("WriteFileAtomic writes the data with mode 0600 unless told otherwise") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  const fs::path file = root / "state.json";
  REQUIRE(WriteFileAtomic(file, "{\"a\":1}").ok());
  CHECK(ReadText(file) == "{\"a\":1}");
  CHECK(ModeOf(file) == 0600);
  CHECK_FALSE(HasTempFile(root));

  // The mode is exact, whatever the umask.
  const mode_t old_umask = umask(077);
  const Status status = WriteFileAtomic(root / "public", "x", 0644);
  umask(old_umask);
  REQUIRE(status.ok());
  CHECK(ModeOf(root / "public") == 0644);

  REQUIRE(WriteFileAtomic(root / "empty", "").ok());
  CHECK(fs::file_size(root / "empty") == 0);
}

TEST_CASE("WriteFileAtomic replaces the old file by rename, never in place") {
  // Files of the run dir skip the fsyncs, not the atomicity.
  const Durability durability = GENERATE(Durability::kDurable, Durability::kUntilReboot);
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  const fs::path file = root / "state.json";
  REQUIRE(WriteFileAtomic(file, "old content", 0644, durability).ok());
  CHECK(ModeOf(file) == 0644);
  struct stat before;
  REQUIRE(stat(file.c_str(), &before) == 0);
  // A reader that opened the old file keeps reading the old, complete content.
  const int reader = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(reader >= 0);

  REQUIRE(WriteFileAtomic(file, "new", 0644, durability).ok());

  CHECK(ReadText(file) == "new");
  struct stat after;
  REQUIRE(stat(file.c_str(), &after) == 0);
  CHECK(after.st_ino != before.st_ino);
  char buf[64] = {};
  const ssize_t n = pread(reader, buf, sizeof(buf), 0);
  close(reader);
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) == "old content");
  CHECK(FileNames(root) == std::vector<std::string>{"state.json"});
}

TEST_CASE("WriteFileAtomic keeps the old file and leaves no temp file when it fails") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();

  SECTION("the directory does not exist") {
    const Status status = WriteFileAtomic(root / "missing" / "state.json", "data");
    CHECK(status.code() == StatusCode::kNotFound);
    CHECK_THAT(MessageOf(status),
               Contains("create temp file " + root.string() + "/missing/.state.json.tmp-"));
    CHECK_THAT(MessageOf(status), Contains("ENOENT"));
    CHECK(FileNames(root).empty());
  }

  SECTION("the target is a directory") {
    const fs::path target = root / "state.json";
    fs::create_directory(target);
    PutText(target / "inside", "kept");
    const Status status = WriteFileAtomic(target, "data");
    CHECK_FALSE(status.ok());
    CHECK_THAT(MessageOf(status), Contains("rename "));
    CHECK_THAT(MessageOf(status), Contains(" to " + target.string()));
    CHECK(fs::is_directory(target));
    CHECK(ReadText(target / "inside") == "kept");
    CHECK(FileNames(root) == std::vector<std::string>{"state.json"});
  }

  SECTION("the write fails half way (file size limit)") {
    const fs::path file = root / "state.json";
    REQUIRE(WriteFileAtomic(file, "old content").ok());
    // RLIMIT_FSIZE applies to root too; with SIGXFSZ ignored write(2) fails with EFBIG after
    // a partial write.
    struct rlimit old_limit;
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    struct rlimit small = old_limit;
    small.rlim_cur = 16;
    const sighandler_t old_handler = signal(SIGXFSZ, SIG_IGN);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    const Status status = WriteFileAtomic(file, std::string(4096, 'n'));
    setrlimit(RLIMIT_FSIZE, &old_limit);
    signal(SIGXFSZ, old_handler);

    CHECK_THAT(MessageOf(status), Contains("write " + root.string() + "/.state.json.tmp-"));
    CHECK_THAT(MessageOf(status), Contains("EFBIG"));
    CHECK(ReadText(file) == "old content");
    CHECK(FileNames(root) == std::vector<std::string>{"state.json"});
  }

  SECTION("the path names no file") {
    const Status status = WriteFileAtomic(root.string() + "/", "data");
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(FileNames(root).empty());
  }
}

TEST_CASE("RemoveFile removes a file and accepts a missing one") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  const fs::path file = root / "state.json";
  REQUIRE(WriteFileAtomic(file, "x").ok());
  REQUIRE(RemoveFile(file).ok());
  CHECK_FALSE(fs::exists(file));
  CHECK(RemoveFile(file).ok());
  fs::create_directory(root / "dir");
  const Status status = RemoveFile(root / "dir");
  CHECK_FALSE(status.ok());
  CHECK_THAT(MessageOf(status), Contains("remove " + (root / "dir").string()));
}

TEST_CASE("IsAtomicTempName matches the temp files WriteFileAtomic creates") {
  CHECK(IsAtomicTempName(".a.json.tmp-0123456789abcdef"));
  CHECK(IsAtomicTempName("..tmp-"));
  CHECK_FALSE(IsAtomicTempName("a.json.tmp-1"));
  CHECK_FALSE(IsAtomicTempName(".tmp-1"));
  CHECK_FALSE(IsAtomicTempName(".hidden"));
  CHECK_FALSE(IsAtomicTempName("a.json"));
}

TEST_CASE("ReadSmallFile refuses large and non-regular files") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  PutText(root / "f", "12345");
  CHECK(ReadSmallFile(root / "f", 5).value() == "12345");
  const Result<std::string> big = ReadSmallFile(root / "f", 4);
  CHECK(big.status().code() == StatusCode::kOutOfRange);
  CHECK_THAT(MessageOf(big.status()), Contains("5 bytes, over the limit of 4 bytes"));
  REQUIRE(mkfifo((root / "fifo").c_str(), 0600) == 0);
  CHECK(ReadSmallFile(root / "fifo", 4).status().code() == StatusCode::kFailedPrecondition);
  CHECK(ReadSmallFile(root / "none", 4).status().code() == StatusCode::kNotFound);
}

TEST_CASE("ParseJsonObject explains what is wrong") {
  CHECK(ParseJsonObject("{\"a\":[1,2,{\"b\":null}]}").ok());
  CHECK(ParseJsonObject(" {} \n").ok());
  CHECK_THAT(MessageOf(ParseJsonObject("").status()), Contains("empty"));
  CHECK_THAT(MessageOf(ParseJsonObject(" \n").status()), Contains("whitespace"));
  CHECK_THAT(MessageOf(ParseJsonObject("{\"a\": 1").status()), Contains("at byte offset 7"));
  CHECK_THAT(MessageOf(ParseJsonObject("{} {}").status()), Contains("not valid JSON"));
  CHECK_THAT(MessageOf(ParseJsonObject("{\"a\":1,}").status()), Contains("not valid JSON"));
  CHECK_THAT(MessageOf(ParseJsonObject("[1]").status()), Contains("is an array, not an object"));
  CHECK_THAT(MessageOf(ParseJsonObject("\"s\"").status()), Contains("is a string"));
  CHECK_THAT(MessageOf(ParseJsonObject(std::string(1 << 20, '[')).status()),
             Contains("nested deeper than 128"));
  // Brackets inside strings do not count as nesting.
  CHECK(ParseJsonObject("{\"a\":\"" + std::string(1000, '[') + "\\\"\"}").ok());
  // RapidJSON alone would stop at a NUL and accept what came before.
  const Status nul = ParseJsonObject(std::string("{\"a\":1}\0junk", 12)).status();
  CHECK(nul.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(nul), Contains("NUL byte at byte offset 7"));
}

TEST_CASE("RecordDir::Init creates the directory tree with mode 0700") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root / "state" / "runtime" / "pods");
  REQUIRE(records.Init().ok());
  CHECK(fs::is_directory(records.dir()));
  CHECK(ModeOf(root / "state") == 0700);
  CHECK(ModeOf(records.dir()) == 0700);
  CHECK(records.Init().ok());

  PutText(root / "file", "");
  const Status status = RecordDir(root / "file").Init();
  CHECK_FALSE(status.ok());
  CHECK_THAT(MessageOf(status), Contains(root.string() + "/file"));
}

TEST_CASE("RecordDir Write and Read round-trip a record") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  rapidjson::Document doc = Json(R"({"id":"3f2a","state":"running","pid":42,"labels":{"a":"b"}})");
  REQUIRE(records.Write("3f2a", doc).ok());
  CHECK(ModeOf(root / "3f2a.json") == 0600);
  CHECK(FileNames(root) == std::vector<std::string>{"3f2a.json"});

  Result<rapidjson::Document> read = records.Read("3f2a");
  REQUIRE(read.ok());
  CHECK(*read == doc);
  CHECK((*read)["pid"].GetInt() == 42);

  // Overwrite: the new content replaces the old.
  REQUIRE(records.WriteRaw("3f2a", R"({"id":"3f2a","state":"exited"})").ok());
  CHECK(std::string(records.Read("3f2a").value()["state"].GetString()) == "exited");
  CHECK(FileNames(root) == std::vector<std::string>{"3f2a.json"});
}

TEST_CASE("RecordDir writes only JSON objects within the size limit") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());

  const Status torn = records.WriteRaw("a", "{\"a\":");
  CHECK(torn.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(torn), Contains("write record \"a\": not valid JSON"));
  CHECK(records.WriteRaw("a", "[1,2]").code() == StatusCode::kInvalidArgument);
  CHECK(records.WriteRaw("a", "").code() == StatusCode::kInvalidArgument);
  const Status big = records.WriteRaw("a", BigObject(kMaxRecordBytes));
  CHECK(big.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(big), Contains("over the limit of 1048576"));

  rapidjson::Document array = Json("[1]");
  CHECK(records.Write("a", array).code() == StatusCode::kInvalidArgument);
  rapidjson::Document nan(rapidjson::kObjectType);
  nan.AddMember("x", rapidjson::Value(std::numeric_limits<double>::quiet_NaN()),
                nan.GetAllocator());
  const Status nan_status = records.Write("a", nan);
  CHECK(nan_status.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(nan_status), Contains("NaN"));

  CHECK(FileNames(root).empty());
}

TEST_CASE("RecordDir refuses bad names in every call") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  rapidjson::Document doc = Json("{}");
  const std::string too_long(kMaxRecordNameLength + 1, 'a');
  for (const std::string& name :
       {std::string(""), std::string("."), std::string(".."), std::string(".hidden"),
        std::string("a/b"), std::string("../x"), std::string("a b"), std::string("caf\xc3\xa9"),
        std::string("a\0b", 3), too_long}) {
    INFO("name: " << name);
    const Status write = records.Write(name, doc);
    CHECK(write.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(write), Contains("write record: invalid record name \""));
    CHECK(records.WriteRaw(name, "{}").code() == StatusCode::kInvalidArgument);
    CHECK(records.Read(name).status().code() == StatusCode::kInvalidArgument);
    CHECK(records.Remove(name).code() == StatusCode::kInvalidArgument);
  }
  CHECK_THAT(MessageOf(records.Remove("a/b")), Contains("\"a/b\""));
  CHECK_THAT(MessageOf(records.Remove(too_long)), Contains("201 characters, more than 200"));
  CHECK(FileNames(root).empty());

  const std::string longest(kMaxRecordNameLength, 'z');
  for (const std::string& name : {std::string("a"), std::string("A-z_0.9"), longest}) {
    INFO("name: " << name);
    CHECK(records.Write(name, doc).ok());
    CHECK(records.Read(name).ok());
  }
}

TEST_CASE("RecordDir::Read of a missing record is NotFound, of a corrupt one DataLoss") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());

  const Result<rapidjson::Document> missing = records.Read("nope");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK_THAT(MessageOf(missing.status()),
             Contains("read record \"nope\": open " + root.string() + "/nope.json"));

  PutText(root / "torn.json", "{\"id\":\"ab");
  const Result<rapidjson::Document> torn = records.Read("torn");
  CHECK(torn.status().code() == StatusCode::kDataLoss);
  CHECK_THAT(MessageOf(torn.status()), Contains("parse " + root.string() + "/torn.json"));

  PutText(root / "big.json", BigObject(kMaxRecordBytes));
  const Result<rapidjson::Document> big = records.Read("big");
  CHECK(big.status().code() == StatusCode::kDataLoss);
  CHECK_THAT(MessageOf(big.status()), Contains("over the limit of 1048576 bytes"));
}

TEST_CASE("RecordDir::Remove deletes a record and accepts a missing one") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  REQUIRE(records.WriteRaw("a", "{}").ok());
  REQUIRE(records.Remove("a").ok());
  CHECK(records.Read("a").status().code() == StatusCode::kNotFound);
  CHECK(records.Remove("a").ok());
  CHECK(records.Remove("never-existed").ok());
}

TEST_CASE("RecordDir::LoadAll returns the records in name order") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  for (const char* name : {"b", "c", "a", "B", "a.1"}) {
    REQUIRE(records.WriteRaw(name, std::string("{\"name\":\"") + name + "\"}").ok());
  }
  Result<RecordDir::LoadReport> report = records.LoadAll();
  REQUIRE(report.ok());
  std::vector<std::string> names;
  for (const auto& [name, doc] : report->records) {
    CHECK(std::string(doc["name"].GetString()) == name);
    names.push_back(name);
  }
  CHECK(names == std::vector<std::string>{"B", "a", "a.1", "b", "c"});
  CHECK(report->quarantined.empty());
  CHECK(report->removed_temp_files.empty());

  RecordDir empty(root / "empty");
  REQUIRE(empty.Init().ok());
  Result<RecordDir::LoadReport> none = empty.LoadAll();
  REQUIRE(none.ok());
  CHECK(none->records.empty());
}

TEST_CASE("RecordDir::LoadAll quarantines unreadable records and still succeeds") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  REQUIRE(records.WriteRaw("good1", R"({"ok":1})").ok());
  REQUIRE(records.WriteRaw("good2", R"({"ok":2})").ok());
  const std::string oversized = BigObject(kMaxRecordBytes);
  PutText(root / "torn.json", R"({"id":"3f2a","sta)");
  PutText(root / "empty.json", "");
  PutText(root / "array.json", "[1,2,3]");
  PutText(root / "big.json", oversized);
  PutText(root / "deep.json", std::string(100000, '[') + std::string(100000, ']'));
  PutText(root / "garbage.json", std::string("\0\x01\xff{", 4));
  // A valid record followed by the zeros a crash can leave at the end of a file.
  PutText(root / "zeros.json", R"({"ok":3})" + std::string(4096, '\0'));

  Result<RecordDir::LoadReport> report = records.LoadAll();
  REQUIRE(report.ok());

  REQUIRE(report->records.size() == 2);
  CHECK(report->records[0].first == "good1");
  CHECK(report->records[1].first == "good2");
  CHECK(report->records[1].second["ok"].GetInt() == 2);

  const fs::path quarantine = root / "quarantine";
  std::vector<std::string> names;
  for (const RecordDir::Quarantined& q : report->quarantined) {
    INFO(q.name << ": " << q.reason);
    names.push_back(q.name);
    CHECK(q.moved_to.parent_path() == quarantine);
    CHECK(q.moved_to.filename().string().rfind(q.name + ".json.", 0) == 0);
    CHECK(fs::is_regular_file(q.moved_to));
    CHECK_FALSE(fs::exists(root / (q.name + ".json")));
    CHECK_THAT(q.reason, Contains(root.string() + "/" + q.name + ".json"));
  }
  CHECK(names ==
        std::vector<std::string>{"array", "big", "deep", "empty", "garbage", "torn", "zeros"});
  REQUIRE(report->quarantined.size() == 7);
  CHECK_THAT(report->quarantined[0].reason, Contains("is an array, not an object"));
  CHECK_THAT(report->quarantined[1].reason, Contains("over the limit of 1048576 bytes"));
  CHECK_THAT(report->quarantined[2].reason, Contains("nested deeper than 128 levels"));
  CHECK_THAT(report->quarantined[3].reason, Contains("empty (0 bytes)"));
  CHECK_THAT(report->quarantined[4].reason, Contains("not valid JSON"));
  CHECK_THAT(report->quarantined[5].reason, Contains("not valid JSON"));
  CHECK_THAT(report->quarantined[5].reason, Contains("at byte offset"));
  CHECK_THAT(report->quarantined[6].reason, Contains("NUL byte at byte offset 8"));
  // The bytes are kept for a post-mortem.
  CHECK(ReadText(report->quarantined[5].moved_to) == R"({"id":"3f2a","sta)");
  CHECK(ReadText(report->quarantined[1].moved_to) == oversized);
  CHECK(ModeOf(quarantine) == 0700);

  // The next start finds only the good records.
  Result<RecordDir::LoadReport> again = records.LoadAll();
  REQUIRE(again.ok());
  CHECK(again->records.size() == 2);
  CHECK(again->quarantined.empty());

  // A record corrupted again in the same second does not overwrite the first copy.
  PutText(root / "torn.json", "{");
  Result<RecordDir::LoadReport> third = records.LoadAll();
  REQUIRE(third.ok());
  REQUIRE(third->quarantined.size() == 1);
  CHECK(third->quarantined[0].moved_to != report->quarantined[5].moved_to);
  CHECK(ReadText(third->quarantined[0].moved_to) == "{");
  CHECK(ReadText(report->quarantined[5].moved_to) == R"({"id":"3f2a","sta)");
}

TEST_CASE("RecordDir::LoadAll removes leftover temp files and ignores other files") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root);
  REQUIRE(records.Init().ok());
  REQUIRE(records.WriteRaw("pod", R"({"v":1})").ok());
  // An interrupted write of a new version, and of a record that never got renamed in.
  PutText(root / ".pod.json.tmp-0123456789abcdef", R"({"v":2)");
  PutText(root / ".new.json.tmp-fedcba9876543210", "");
  PutText(root / "README", "not a record");
  PutText(root / "notes.txt", "{}");
  PutText(root / ".hidden.json", "{}");
  fs::create_directory(root / "dir.json");

  Result<RecordDir::LoadReport> report = records.LoadAll();
  REQUIRE(report.ok());
  REQUIRE(report->records.size() == 1);
  CHECK(report->records[0].first == "pod");
  CHECK(report->records[0].second["v"].GetInt() == 1);
  CHECK(report->quarantined.empty());
  CHECK(report->removed_temp_files == std::vector<std::string>{".new.json.tmp-fedcba9876543210",
                                                               ".pod.json.tmp-0123456789abcdef"});
  CHECK(FileNames(root) ==
        std::vector<std::string>{".hidden.json", "README", "dir.json", "notes.txt", "pod.json"});
}

TEST_CASE("RecordDir::LoadAll of a missing directory is an error naming it") {
  TempDir tmp("cria-records-test-", "/tmp");
  const fs::path root = tmp.path();
  RecordDir records(root / "absent");
  const Result<RecordDir::LoadReport> report = records.LoadAll();
  CHECK(report.status().code() == StatusCode::kNotFound);
  CHECK_THAT(MessageOf(report.status()), Contains("list records in " + root.string()));
}

TEST_CASE("a record built with RecordBuilder reads back; bad fields are DataLoss by name") {
  rapidjson::Document doc = RecordBuilder(3)
                                .String("name", std::string("a\0b", 3))
                                .Int64("when", -5)
                                .Uint64("size", 1ull << 40)
                                .Bool("ready", true)
                                .Strings("tags", {"x", "y"})
                                .Take();
  Result<RecordReader> in = RecordReader::Open(doc, "test", 3);
  REQUIRE(in.ok());
  std::string name;
  int64_t when = 0;
  uint64_t size = 0;
  bool ready = false;
  std::vector<std::string> tags;
  REQUIRE(in->String("name", &name).ok());
  CHECK(name == std::string("a\0b", 3));
  REQUIRE(in->Int64("when", &when).ok());
  CHECK(when == -5);
  REQUIRE(in->Uint64("size", &size).ok());
  CHECK(size == 1ull << 40);
  REQUIRE(in->Bool("ready", &ready).ok());
  CHECK(ready);
  REQUIRE(in->Strings("tags", &tags).ok());
  CHECK(tags == std::vector<std::string>{"x", "y"});
  std::string kept = "kept";
  CHECK(in->OptionalString("absent", &kept).ok());
  CHECK(kept == "kept");

  Status wrong = in->Int64("name", &when);
  CHECK(wrong.code() == StatusCode::kDataLoss);
  CHECK(MessageOf(wrong) == "test record: bad or missing \"name\"");
  CHECK(in->String("absent", &name).code() == StatusCode::kDataLoss);
  CHECK(in->OptionalString("when", &kept).code() == StatusCode::kDataLoss);
  CHECK(RecordReader::Open(doc, "test", 4).status().code() == StatusCode::kDataLoss);
  rapidjson::Document array(rapidjson::kArrayType);
  CHECK(RecordReader::Open(array, "test", 3).status().code() == StatusCode::kDataLoss);
}

}  // namespace
}  // namespace cria::records

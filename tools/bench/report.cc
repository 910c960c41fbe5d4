#include "tools/bench/report.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "libs/records/json_object.h"

namespace cria::bench {
namespace {

namespace rj = rapidjson;

// "12.3 ms", "0.412 ms", "1234 ms": three significant digits at most, none lost above 100.
std::string Figure(std::optional<double> value, const std::string& unit) {
  if (!value) return "-";
  double v = *value;
  const char* format = std::fabs(v) >= 100  ? "%.0f %s"
                       : std::fabs(v) >= 10 ? "%.1f %s"
                       : std::fabs(v) >= 1  ? "%.2f %s"
                                            : "%.3f %s";
  char text[64];
  std::snprintf(text, sizeof(text), format, v, unit.c_str());
  return text;
}

std::string RatioText(std::optional<double> ratio) {
  if (!ratio) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", *ratio);
  return text;
}

rj::Value Number(std::optional<double> value) {
  return value && std::isfinite(*value) ? rj::Value(*value) : rj::Value(rj::kNullType);
}

rj::Value Text(const std::string& text, rj::Document::AllocatorType& allocator) {
  return rj::Value(text.c_str(), static_cast<rj::SizeType>(text.size()), allocator);
}

std::optional<double> NumberOf(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  return it->value.GetDouble();
}

std::string TextOf(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return it->value.GetString();
}

}  // namespace

std::optional<double> Row::Ratio() const {
  if (!cria || !baseline_p50 || *baseline_p50 == 0) return std::nullopt;
  return cria->median / *baseline_p50;
}

std::optional<double> Row::PeerRatio() const {
  if (!cria || !peer_p50 || *peer_p50 == 0) return std::nullopt;
  return cria->median / *peer_p50;
}

void PrintHeader() {
  std::printf("%-40s %12s %12s %6s %12s %6s %12s %12s %10s %s\n", "benchmark", "cria p50",
              "base p50", "ratio", "ctrd p50", "/ctrd", "cria p90", "cria max", "target", "met");
}

void PrintRow(const Row& row) {
  std::optional<double> p50, p90, max;
  if (row.cria) {
    p50 = row.cria->median;
    p90 = row.cria->p90;
    max = row.cria->max;
  }
  std::string cria_p50 = row.cria ? Figure(p50, row.unit) : row.note.empty() ? "-" : row.note;
  std::printf("%-40s %12s %12s %6s %12s %6s %12s %12s %10s %s\n", row.benchmark.c_str(),
              cria_p50.c_str(), Figure(row.baseline_p50, row.unit).c_str(),
              RatioText(row.Ratio()).c_str(), Figure(row.peer_p50, row.unit).c_str(),
              RatioText(row.PeerRatio()).c_str(), Figure(p90, row.unit).c_str(),
              Figure(max, row.unit).c_str(), row.target.c_str(), row.met.c_str());
}

Status Report(const Row& row) {
  PrintRow(row);
  const char* path = std::getenv(kResultsEnv);
  if (path == nullptr || *path == '\0') return OkStatus();
  rj::Document doc(rj::kObjectType);
  rj::Value object = RowToJson(row, doc.GetAllocator());
  CRIA_ASSIGN_OR_RETURN(std::string line, records::SerializeJsonObject(object),
                        "result row " + row.benchmark);
  // One write of the whole line, so lines of processes reporting at once do not mix.
  int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, std::string("open ") + path);
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size())) {
    return ErrnoStatus(n < 0 ? err : EIO, std::string("append to ") + path);
  }
  return OkStatus();
}

bool ReportAll(const std::vector<Row>& rows) {
  PrintHeader();
  bool ok = true;
  for (const Row& row : rows) {
    Status s = Report(row);
    if (!s.ok()) {
      std::fprintf(stderr, "cannot record the row: %s\n", MessageOf(s).c_str());
      ok = false;
    }
  }
  return ok;
}

rj::Value RowToJson(const Row& row, rj::Document::AllocatorType& allocator) {
  rj::Value o(rj::kObjectType);
  std::optional<double> p50, p90, max;
  if (row.cria) {
    p50 = row.cria->median;
    p90 = row.cria->p90;
    max = row.cria->max;
  }
  o.AddMember("benchmark", Text(row.benchmark, allocator), allocator);
  o.AddMember("unit", Text(row.unit, allocator), allocator);
  o.AddMember("cria_p50", Number(p50), allocator);
  o.AddMember("cria_p90", Number(p90), allocator);
  o.AddMember("cria_max", Number(max), allocator);
  o.AddMember("note", Text(row.note, allocator), allocator);
  o.AddMember("baseline", Text(row.baseline, allocator), allocator);
  o.AddMember("baseline_p50", Number(row.baseline_p50), allocator);
  o.AddMember("ratio", Number(row.Ratio()), allocator);
  o.AddMember("containerd_p50", Number(row.peer_p50), allocator);
  o.AddMember("ratio_containerd", Number(row.PeerRatio()), allocator);
  o.AddMember("target", Text(row.target, allocator), allocator);
  o.AddMember("met", Text(row.met, allocator), allocator);
  return o;
}

Result<Row> RowFromJson(const rj::Value& object) {
  if (!object.IsObject()) return Status(StatusCode::kInvalidArgument, "a row is not an object");
  Row row;
  row.benchmark = TextOf(object, "benchmark");
  if (row.benchmark.empty()) {
    return Status(StatusCode::kInvalidArgument, "a row without a benchmark name");
  }
  row.unit = TextOf(object, "unit");
  auto p50 = NumberOf(object, "cria_p50");
  if (p50) {
    row.cria = Stats{*p50, NumberOf(object, "cria_p90").value_or(*p50),
                     NumberOf(object, "cria_max").value_or(*p50)};
  }
  row.note = TextOf(object, "note");
  row.baseline = TextOf(object, "baseline");
  row.baseline_p50 = NumberOf(object, "baseline_p50");
  row.peer_p50 = NumberOf(object, "containerd_p50");
  row.target = TextOf(object, "target");
  row.met = TextOf(object, "met");
  return row;
}

Result<std::vector<Row>> ReadResults(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "cannot read " + path);
  std::vector<Row> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = path + " line " + std::to_string(number);
    CRIA_ASSIGN_OR_RETURN(rj::Document doc, records::ParseJsonObject(line), where);
    CRIA_ASSIGN_OR_RETURN(Row row, RowFromJson(doc), where);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cria::bench

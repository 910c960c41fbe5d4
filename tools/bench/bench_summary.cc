// The end of a tools/bench/bench run: reads the rows every benchmark appended to the
// results file (tools/bench/report.h) and prints them as one table headed by the core
// count; with --json, also writes {"cores", "quick", "date", "rows": [...]} to a file.
//
// Usage: bench_summary --results FILE [--quick] [--json OUT]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include "rapidjson/document.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "tools/bench/report.h"

namespace {

namespace rj = rapidjson;

// "2026-11-24T03:20:00Z".
std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

bool WriteJson(const std::string& path, const std::vector<cria::bench::Row>& rows, long cores,
               bool quick) {
  rj::Document doc(rj::kObjectType);
  auto& a = doc.GetAllocator();
  const std::string date = UtcNow();
  doc.AddMember("cores", rj::Value(static_cast<int64_t>(cores)), a);
  doc.AddMember("quick", quick, a);
  doc.AddMember("date", rj::Value(date.c_str(), a), a);
  rj::Value list(rj::kArrayType);
  for (const auto& row : rows) list.PushBack(cria::bench::RowToJson(row, a), a);
  doc.AddMember("rows", list, a);
  rj::StringBuffer text;
  rj::PrettyWriter<rj::StringBuffer> writer(text);
  doc.Accept(writer);
  std::ofstream out(path, std::ios::trunc);
  out << text.GetString() << "\n";
  out.close();
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"the summary table of a tools/bench/bench run"};
  std::string results, json;
  bool quick = false;
  app.add_option("--results", results, "the JSON lines the benchmarks appended")->required();
  app.add_flag("--quick", quick, "the run was --quick (figures mean nothing)");
  app.add_option("--json", json, "also write the rows to this file as one JSON document");
  CLI11_PARSE(app, argc, argv);

  auto rows = cria::bench::ReadResults(results);
  if (!rows.ok()) {
    std::fprintf(stderr, "%s\n", cria::MessageOf(rows.status()).c_str());
    return 1;
  }
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  std::printf("summary: %zu rows, cores: %ld%s\n", rows->size(), cores,
              quick ? " (--quick: one run each at small sizes; the figures mean nothing)" : "");
  cria::bench::PrintHeader();
  int missed = 0;
  for (const auto& row : *rows) {
    cria::bench::PrintRow(row);
    if (row.met == "no") ++missed;
  }
  std::printf("baselines (base p50; ctrd = containerd 1.6 through the same CRI client code):\n");
  for (const auto& row : *rows) {
    if (!row.baseline.empty()) {
      std::printf("  %-38s %s\n", row.benchmark.c_str(), row.baseline.c_str());
    }
  }
  std::printf("targets missed: %d\n", missed);
  if (!json.empty() && !WriteJson(json, *rows, cores, quick)) {
    std::fprintf(stderr, "cannot write %s\n", json.c_str());
    return 1;
  }
  return 0;
}

// One result table for every benchmark (issue 4). Each driver fills a Row per figure it
// checks and calls Report(row): the row is printed in the driver's own output and, when
// the environment names a results file (CRIA_BENCH_RESULTS, set by tools/bench/bench),
// appended there as one JSON line. The runner reads those lines back and prints one
// summary table of the whole run (tools/bench/bench_summary.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libs/status/status.h"
#include "rapidjson/document.h"
#include "tools/bench/stats.h"

namespace cria::bench {

// The environment variable naming the results file (JSON lines, appended).
inline constexpr char kResultsEnv[] = "CRIA_BENCH_RESULTS";

struct Row {
  std::string benchmark;    // "pod+container start (runc)"
  std::string unit = "ms";  // "ms", "MiB", "pods/s", ...
  // cria's figures; absent when cria has none, `note` then says why ("not implemented").
  std::optional<Stats> cria;
  std::string note;
  // The baseline measured in the same run ("runc run -d", "tar -xzf"), when there is one.
  std::string baseline;
  std::optional<double> baseline_p50;
  // The peer (containerd) measured in the same run through the same client code.
  std::optional<double> peer_p50;
  std::string target = "info";  // "<=1.5", "p50<5ms", "info"
  std::string met = "-";        // "yes", "no", "-" (an info row, or no figure)

  // cria p50 / baseline p50 and cria p50 / peer p50, when both figures are there.
  std::optional<double> Ratio() const;
  std::optional<double> PeerRatio() const;
};

// "yes" or "no".
inline const char* Met(bool met) { return met ? "yes" : "no"; }

// A figure measured once: its p50, p90 and max are that value.
inline Stats Single(double value) { return {value, value, value}; }

// Prints the column heads of PrintRow's lines.
void PrintHeader();
// One line: benchmark, cria p50, baseline p50, ratio, containerd p50, ratio, p90, max,
// target, met.
void PrintRow(const Row& row);

// Prints the row and, when CRIA_BENCH_RESULTS names a file, appends it there as one JSON
// line. Fails only when that file cannot be written (the caller says so and goes on).
Status Report(const Row& row);

// PrintHeader, then Report of each row; a failure to record one is said on stderr. False
// when a row could not be recorded (the benchmark then did not complete).
bool ReportAll(const std::vector<Row>& rows);

// The row as a JSON object (nulls for what is absent) and back.
rapidjson::Value RowToJson(const Row& row, rapidjson::Document::AllocatorType& allocator);
Result<Row> RowFromJson(const rapidjson::Value& object);

// Every row of a results file, in order.
Result<std::vector<Row>> ReadResults(const std::string& path);

}  // namespace cria::bench

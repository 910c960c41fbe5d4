// How crictl's inspect verbs (inspect, inspectp, inspecti) print what they fetched: each
// status as a table right away when the format is table, else every status together as one
// JSON or YAML document (StatusDataJson) at the end.
#pragma once

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "tools/criactl/commands/verb.h"
#include "tools/criactl/output/status_json.h"

namespace cria::criactl {

class StatusPrinter {
 public:
  explicit StatusPrinter(const Verb& verb) : verb_(verb) {}

  // One status: `table()` is printed now (table format), or the status JSON `json()` is
  // kept with the response's verbose info for the document.
  template <typename Table, typename Json, typename Response>
  void Add(Table table, Json json, const Response& response) {
    if (verb_.format == Format::kTable) {
      std::cout << table();
    } else {
      statuses_.push_back(StatusData{json(), {response.info().begin(), response.info().end()}});
    }
  }

  // Prints the document of the statuses kept (nothing for the table format); returns the
  // verb's exit code.
  int Finish() const;

 private:
  const Verb& verb_;
  std::vector<StatusData> statuses_;
};

}  // namespace cria::criactl

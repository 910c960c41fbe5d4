#include "tools/criactl/commands/status_printer.h"

namespace cria::criactl {

int StatusPrinter::Finish() const {
  if (statuses_.empty()) return 0;
  Result<std::string> json = StatusDataJson(statuses_);
  if (!json.ok()) return ReportError(verb_, MessageOf(json.status()));
  PrintStructured(verb_.format, *json);
  return 0;
}

}  // namespace cria::criactl

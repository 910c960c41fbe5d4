#include "libs/undo/undo_stack.h"

#include "libs/log/log.h"

namespace cria {

Status UndoStack::Run() {
  Status first = OkStatus();
  while (!steps_.empty()) {
    auto [description, undo] = std::move(steps_.back());
    steps_.pop_back();
    Status s = undo();
    if (!s.ok()) {
      log::Error("undo failed", {{"step", description}, {"error", s}});
      if (first.ok()) first = Annotate(s, "undo " + description);
    } else {
      log::Debug("undone", {{"step", description}});
    }
  }
  return first;
}

}  // namespace cria
